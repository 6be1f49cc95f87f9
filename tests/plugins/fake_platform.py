"""Fixtures starting the local fake platform server (owned by the publishing area)."""
