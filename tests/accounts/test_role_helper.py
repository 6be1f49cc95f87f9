"""'Press office (or admin) or superuser' is one helper (accounts.roles.has_role_or_superuser)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.models import AnonymousUser

from fahndung.accounts.roles import ADMIN, PRESS_OFFICE, has_role_or_superuser
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def test_press_office_or_superuser(db, press, investigator, admin_user):
    root = UserFactory(username="root", is_superuser=True)
    assert has_role_or_superuser(press, PRESS_OFFICE)
    assert has_role_or_superuser(root, PRESS_OFFICE)
    assert not has_role_or_superuser(investigator, PRESS_OFFICE)
    assert not has_role_or_superuser(admin_user, PRESS_OFFICE)
    assert has_role_or_superuser(admin_user, PRESS_OFFICE, ADMIN)
    assert not has_role_or_superuser(AnonymousUser(), PRESS_OFFICE)


def test_no_module_spells_the_check_out_itself():
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for pkg in ("fahndung", "api")
        for path in (ROOT / pkg).rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "is_superuser" in line and "PRESS_OFFICE" in line
    ]
    assert offenders == []
