"""Encryption at rest for tips.

Public surface:
- ``encrypt_text(str) -> str`` / ``decrypt_text(str) -> str`` – MultiFernet tokens for
  short fields (content, contact details, notes, messages).
- ``rotate_token(str) -> str`` – re-encrypt a token under the current key.
- ``new_data_key() -> (raw, wrapped)``, ``unwrap_key(wrapped)``, ``rotate_wrapped_key``.
- ``encrypt_stream(chunks, raw_key)`` / ``decrypt_stream(chunks, raw_key)`` – chunked
  AES-256-GCM for attachments (up to several GB, constant memory).

Keys come from FAHNDUNG_TIPS_KEYS (comma-separated Fernet keys, first = current). Files
use a random per-file data key wrapped with the Fernet keys, so key rotation re-wraps a
few bytes per file instead of rewriting gigabytes of video.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import struct
from collections.abc import Iterable, Iterator
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from fahndung.tips import conf

logger = logging.getLogger(__name__)

FILE_MAGIC = b"FTB1"
CHUNK_SIZE = 1024 * 1024


class DecryptionError(Exception):
    """Ciphertext is corrupt, truncated or encrypted under an unknown key."""


def _dev_key() -> str:
    digest = hashlib.sha256(b"fahndung-tips-dev-key:" + settings.SECRET_KEY.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("FAHNDUNG_TIPS_KEYS contains an invalid Fernet key") from exc


def fernet() -> MultiFernet:
    keys = tuple(conf.tips_keys())
    if not keys:
        if not conf.configured_debug():
            raise ImproperlyConfigured("FAHNDUNG_TIPS_KEYS is required when DEBUG is off (tips are encrypted at rest)")
        if not getattr(fernet, "_warned", False):
            logger.warning("FAHNDUNG_TIPS_KEYS not set: using a development key derived from SECRET_KEY")
            fernet._warned = True  # type: ignore[attr-defined]
        keys = (_dev_key(),)
    return _fernet_for(keys)


def encrypt_text(value: str) -> str:
    return fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise DecryptionError("tip field cannot be decrypted with the configured keys") from exc


def rotate_token(token: str) -> str:
    if not token:
        return token
    return fernet().rotate(token.encode("ascii")).decode("ascii")


# --- attachments -------------------------------------------------------------------

def new_data_key() -> tuple[bytes, str]:
    raw = AESGCM.generate_key(bit_length=256)
    return raw, fernet().encrypt(raw).decode("ascii")


def unwrap_key(wrapped: str) -> bytes:
    try:
        return fernet().decrypt(wrapped.encode("ascii"))
    except InvalidToken as exc:
        raise DecryptionError("attachment key cannot be unwrapped") from exc


def rotate_wrapped_key(wrapped: str) -> str:
    return fernet().rotate(wrapped.encode("ascii")).decode("ascii")


def _aad(index: int, last: bool) -> bytes:
    # Binding index and the last-chunk flag stops reordering and truncation.
    return struct.pack(">Q?", index, last)


def encrypt_stream(chunks: Iterable[bytes], raw_key: bytes) -> Iterator[bytes]:
    aead = AESGCM(raw_key)
    yield FILE_MAGIC
    index = 0
    pending: bytes | None = None
    buffer = b""
    for piece in chunks:
        buffer += piece
        while len(buffer) >= CHUNK_SIZE:
            block, buffer = buffer[:CHUNK_SIZE], buffer[CHUNK_SIZE:]
            if pending is not None:
                yield _seal(aead, index, pending, last=False)
                index += 1
            pending = block
    if buffer:
        if pending is not None:
            yield _seal(aead, index, pending, last=False)
            index += 1
        pending = buffer
    yield _seal(aead, index, pending or b"", last=True)


def _seal(aead: AESGCM, index: int, block: bytes, *, last: bool) -> bytes:
    nonce = os.urandom(12)
    sealed = aead.encrypt(nonce, block, _aad(index, last))
    return struct.pack(">I", len(sealed)) + nonce + sealed


def decrypt_stream(chunks: Iterable[bytes], raw_key: bytes) -> Iterator[bytes]:
    aead = AESGCM(raw_key)
    buffer = b""
    source = iter(chunks)
    exhausted = False

    def fill(n: int) -> bool:
        nonlocal buffer, exhausted
        while len(buffer) < n and not exhausted:
            try:
                buffer += next(source)
            except StopIteration:
                exhausted = True
        return len(buffer) >= n

    if not fill(4) or buffer[:4] != FILE_MAGIC:
        raise DecryptionError("not an encrypted tip attachment")
    buffer = buffer[4:]
    index = 0
    while True:
        if not fill(4):
            raise DecryptionError("attachment is truncated")
        (length,) = struct.unpack(">I", buffer[:4])
        if not fill(4 + 12 + length):
            raise DecryptionError("attachment is truncated")
        nonce = buffer[4:16]
        sealed = buffer[16 : 16 + length]
        buffer = buffer[16 + length :]
        last = not buffer and not fill(1)
        try:
            plain = aead.decrypt(nonce, sealed, _aad(index, last))
        except InvalidTag as exc:
            raise DecryptionError("attachment chunk failed authentication") from exc
        yield plain
        if last:
            return
        index += 1

