"""Encryption at rest: stream format, tamper/truncation detection, key rotation, secrets."""

from __future__ import annotations

import io
import os

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from fahndung.tips import crypto, services
from fahndung.tips.models import Tip, TipBlob
from fahndung.tips.uploads import open_decrypted
from tests.tips.conftest import TEST_KEY, image_bytes, upload


@pytest.mark.parametrize("size", [0, 1, crypto.CHUNK_SIZE - 1, crypto.CHUNK_SIZE, crypto.CHUNK_SIZE * 2 + 17])
def test_stream_roundtrip(size):
    key = os.urandom(32)
    data = os.urandom(size)
    pieces = [data[i : i + 70_000] for i in range(0, len(data), 70_000)] or [b""]
    sealed = b"".join(crypto.encrypt_stream(pieces, key))
    # A random 1-byte plaintext appears in any ciphertext by chance; 16+ bytes never do.
    assert size < 16 or data[:64] not in sealed
    assert b"".join(crypto.decrypt_stream([sealed[i : i + 5000] for i in range(0, len(sealed), 5000)], key)) == data


def test_stream_detects_truncation_and_tampering():
    key = os.urandom(32)
    sealed = b"".join(crypto.encrypt_stream([os.urandom(crypto.CHUNK_SIZE * 2 + 5)], key))
    first_chunk_end = 4 + 4 + 12 + crypto.CHUNK_SIZE + 16
    with pytest.raises(crypto.DecryptionError):
        b"".join(crypto.decrypt_stream([sealed[:first_chunk_end]], key))  # drops later chunks
    tampered = bytearray(sealed)
    tampered[100] ^= 1
    with pytest.raises(crypto.DecryptionError):
        b"".join(crypto.decrypt_stream([bytes(tampered)], key))
    with pytest.raises(crypto.DecryptionError):
        b"".join(crypto.decrypt_stream([sealed], os.urandom(32)))


def test_missing_key_in_production_refuses(settings, monkeypatch):
    settings.FAHNDUNG_TIPS_KEYS = []
    monkeypatch.setenv("FAHNDUNG_DEBUG", "false")
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt_text("x")
    monkeypatch.setenv("FAHNDUNG_DEBUG", "true")
    assert crypto.decrypt_text(crypto.encrypt_text("x")) == "x"  # derived dev key


@pytest.mark.django_db
def test_rotate_tip_keys_reencrypts_fields_and_rewraps_file_keys(settings, published, investigator):
    photo = image_bytes()
    receipt = services.tip_submit_public(appeal_slug=published.slug, content="Alter Schlüssel", client_key="k",
                                         attachments=[upload("a.jpg", photo)])
    services.tip_note_add(actor=investigator, tip_id=receipt.tip_id, body="Notiz alt")
    new_key = Fernet.generate_key().decode()
    settings.FAHNDUNG_TIPS_KEYS = [new_key, TEST_KEY]
    call_command("rotate_tip_keys", stdout=io.StringIO())
    settings.FAHNDUNG_TIPS_KEYS = [new_key]  # old key removed
    tip = Tip.objects.get(pk=receipt.tip_id)
    assert tip.content == "Alter Schlüssel" and tip.notes.get().body == "Notiz alt"
    blob = TipBlob.objects.get()
    assert b"".join(open_decrypted(blob.storage_name, blob.wrapped_key)) == photo
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM tips_tip WHERE id = %s", [tip.pk])
        raw = cursor.fetchone()[0]
    assert Fernet(new_key.encode()).decrypt(raw.encode()) == "Alter Schlüssel".encode()
