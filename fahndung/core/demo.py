"""Demo data: one account per role, pre-enrolled TOTP, a sample draft and a published appeal.

Everything goes through the normal services, so the demo exercises the real rules.
Idempotent: accounts are reused, appeals are only seeded into an empty database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from fahndung.accounts.models import StaffProfile, Unit
from fahndung.accounts.roles import ADMIN, INVESTIGATOR, PRESS_OFFICE, PROSECUTOR_LIAISON
from fahndung.core import clock

DEMO_PASSWORD = "Fahndung-Demo-2026"
# Fixed demo TOTP secret so codes can be generated with `manage.py totp_code USER` or any app.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    unit: str | None
    label: str
    press_lead: bool = False
    duty_officer: bool = False


ACCOUNTS = (
    DemoAccount("investigator", INVESTIGATOR, "k1", "Sachbearbeitung, Kriminalinspektion 1"),
    DemoAccount("investigator2", INVESTIGATOR, "k2", "Sachbearbeitung, Kriminalinspektion 2"),
    DemoAccount("press", PRESS_OFFICE, None, "Pressestelle (Leitung)", press_lead=True),
    DemoAccount("press2", PRESS_OFFICE, None, "Pressestelle / Social Media", duty_officer=True),
    DemoAccount("liaison", PROSECUTOR_LIAISON, None, "Verbindung Staatsanwaltschaft"),
    DemoAccount("admin", ADMIN, None, "Administration"),
)
UNITS = {"k1": "Kriminalinspektion 1 (Raub)", "k2": "Kriminalinspektion 2 (Vermisste)"}


def demo_accounts_ensure() -> list[tuple[DemoAccount, str]]:
    """Create/refresh the demo accounts; returns (account, otpauth URI)."""
    from fahndung.accounts.services import totp_device_enrol

    User = get_user_model()
    units = {code: Unit.objects.get_or_create(code=code, defaults={"name": name})[0] for code, name in UNITS.items()}
    result = []
    with transaction.atomic():
        for acc in ACCOUNTS:
            user, _ = User.objects.get_or_create(username=acc.username, defaults={"email": f"{acc.username}@polizei.example"})
            user.set_password(DEMO_PASSWORD)
            user.is_staff = acc.role == ADMIN
            user.save()
            user.groups.set([Group.objects.get(name=acc.role)])
            StaffProfile.objects.update_or_create(
                user=user,
                defaults={"unit": units.get(acc.unit) if acc.unit else None,
                          "is_press_lead": acc.press_lead, "is_duty_officer": acc.duty_officer},
            )
            user.totpdevice_set.all().delete()
            _device, uri = totp_device_enrol(user=user, key_hex=DEMO_TOTP_KEY)
            result.append((acc, uri))
    return result


def demo_appeals_seed() -> list[int]:
    """Seed a draft (unit 1) and a published appeal, unless appeals exist already."""
    from fahndung.appeals import services
    from fahndung.appeals.models import Appeal

    if Appeal.objects.exists():
        return []
    User = get_user_model()
    inv = User.objects.get(username="investigator")
    inv2 = User.objects.get(username="investigator2")
    press = User.objects.get(username="press")
    now = clock.now()
    robbery = services.appeal_create(
        actor=inv,
        data={
            "kind": "suspect_unknown", "legal_basis": "stpo_131b_1",
            "title": "Raub auf Juwelier Königstraße", "file_number_police": "ST/4711/26",
            "file_number_prosecutor": "1 Js 4711/26", "offence": "Schwerer Raub", "offence_statute": "§ 250 StGB",
            "significance_reason": "Bewaffneter Raubüberfall mit Bedrohung der Angestellten und hoher Beute.",
            "measures_taken": "Spurensicherung, Auswertung der Videoaufzeichnungen, Befragung von Zeugen – ohne Ergebnis.",
            "place": "Stuttgart-Mitte, Königstraße", "district": "Mitte",
            "occurred_from": now - timedelta(days=3, hours=5),
            "public_facts": "Ein unbekannter Mann betrat am Nachmittag ein Juweliergeschäft in der Königstraße, "
                            "bedrohte eine Angestellte mit einer Schusswaffe und flüchtete mit Schmuck.",
            "is_dangerous": True, "reward_amount": 2000, "reward_authority": "Staatsanwaltschaft Stuttgart",
            "reward_reference": "1 Js 4711/26", "expires_at": now + timedelta(days=60),
        },
        persons=[{
            "role": "suspect", "sex": "male", "age_min": 25, "age_max": 35, "height_min_cm": 175,
            "height_max_cm": 185, "build": "schlank", "hair": "kurze dunkle Haare",
            "clothing": "dunkle Kapuzenjacke, helle Jeans, weiße Turnschuhe",
            "distinguishing_marks": "Tätowierung am linken Handrücken", "languages": "sprach Deutsch mit Akzent",
        }],
        order={"issuer_type": "judge", "issuer_name": "Richterin am AG Dr. Weber", "authority": "Amtsgericht Stuttgart",
               "decision_number": "Gs 812/26", "decided_at": now - timedelta(hours=6)},
    )
    _demo_photo_add(inv, robbery.pk)  # § 131b: an image appeal needs its (approved) image
    services.appeal_submit(actor=inv, appeal_id=robbery.pk)
    services.appeal_approve(actor=press, appeal_id=robbery.pk,
                            checklist={"offender_warning": True, "copycat": True, "no_insider_knowledge": True, "minimal_data": True})
    missing = services.appeal_create(
        actor=inv2,
        data={
            "kind": "missing", "legal_basis": "police_law", "title": "Vermisste Seniorin Bad Cannstatt",
            "file_number_police": "ST/815/26", "place": "Stuttgart-Bad Cannstatt", "risk_category": "helpless",
            "consent_given_by": "Tochter der Vermissten", "consent_relation": "Tochter", "consent_date": now.date(),
            "public_facts": "Die Seniorin verließ am Vormittag ihre Wohnung und kehrte nicht zurück. Sie ist auf Hilfe angewiesen.",
            "expires_at": now + timedelta(days=14),
        },
        persons=[{"role": "missing", "sex": "female", "age_min": 81, "age_max": 81, "height_min_cm": 160,
                  "height_max_cm": 160, "hair": "graue, kurze Haare", "clothing": "beiger Mantel, rote Mütze",
                  "last_seen_place": "Haltestelle Wilhelmsplatz"}],
    )
    return [robbery.pk, missing.pk]


def _demo_photo_add(actor, appeal_id: int) -> None:
    """A synthetic photo of the person sought, processed right away (the approval covers it)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fahndung.appeals import services
    from fahndung.imaging.models import PhotoAnalysis
    from fahndung.imaging.processing import photo_process
    from fahndung.imaging.samples import jpeg_bytes, make_composite

    sample = make_composite(640, 480, [], seed=5, subject_size=140)
    photo = services.photo_add(actor=actor, appeal_id=appeal_id, caption="Aufnahme der Überwachungskamera",
                               uploaded_file=SimpleUploadedFile("kamera.jpg", jpeg_bytes(sample.rgb), "image/jpeg"))
    photo_process(analysis_id=PhotoAnalysis.objects.get(photo=photo).pk)


def demo_sample_photo_write() -> Path | None:
    """Write a synthetic crowd photo (one subject, 18 bystanders) to try the photo review with.

    Built from scikit-image data (development dependency); without it the demo simply offers
    no sample photo."""
    try:
        from fahndung.imaging.samples import demo_crowd_photo
        data = demo_crowd_photo()
    except ImportError:
        return None
    path = settings.VAR_DIR / "demo" / "menschenmenge.jpg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
