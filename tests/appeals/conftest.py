"""Fixtures of the appeals tests; `no_accounts` is shared with the publishing tests."""

from tests.publishing.conftest import no_accounts  # noqa: F401 (fixture)
