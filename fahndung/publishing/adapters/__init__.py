"""Platform adapters behind one protocol (see base.py); `registry` builds them from the env."""
