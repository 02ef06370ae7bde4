"""Time-based one-time passwords (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps) and
the sealing of TOTP secrets at rest. Standard library only.

Secrets are stored encrypted: a keystream of HMAC-SHA256 blocks (counter mode) under a
key derived from SECRET_KEY, with an HMAC-SHA256 tag over nonce and ciphertext
(encrypt-then-MAC). SECRET_KEY_FALLBACKS still open secrets sealed under an old key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

from django.conf import settings

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1  # accept the previous and the next code too (clock drift)
_VERSION = "v1"


def new_secret() -> str:
    """A random 160-bit secret, base32 without padding (what authenticator apps read)."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def _key_bytes(secret: str) -> bytes:
    padded = secret.upper() + "=" * (-len(secret) % 8)
    return base64.b32decode(padded)


def code_at(secret: str, step: int) -> str:
    digest = hmac.new(_key_bytes(secret), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 10**DIGITS:0{DIGITS}d}"


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def matching_step(secret: str, code: str, *, now: float | None = None) -> int | None:
    """The time step the code belongs to (within the allowed drift), or None."""
    code = (code or "").strip()
    if len(code) != DIGITS or not code.isdigit():
        return None
    step = current_step(now)
    for candidate in range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1):
        if hmac.compare_digest(code_at(secret, candidate), code):
            return candidate
    return None


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    label = quote(f"{issuer}:{account}")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "digits": DIGITS, "period": STEP_SECONDS}
    )
    return f"otpauth://totp/{label}?{query}"


def qr_svg(uri: str) -> str | None:
    """The QR code as inline SVG when segno is installed; else None (show the text)."""
    try:
        import segno
    except ImportError:
        return None
    return str(segno.make(uri, error="m").svg_inline(scale=4))


# --- sealing secrets at rest ---


def _keys(secret_key: str) -> tuple[bytes, bytes]:
    base = hashlib.sha256(f"shangfa.totp:{secret_key}".encode()).digest()
    encrypt = hmac.new(base, b"encrypt", hashlib.sha256).digest()
    sign = hmac.new(base, b"sign", hashlib.sha256).digest()
    return encrypt, sign


def _stream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (
        hmac.new(key, nonce + struct.pack(">I", i), hashlib.sha256).digest()
        for i in range((length + 31) // 32)
    )
    return b"".join(blocks)[:length]


def seal(secret: str) -> str:
    encrypt, sign = _keys(settings.SECRET_KEY)
    nonce = secrets.token_bytes(16)
    data = secret.encode()
    stream = _stream(encrypt, nonce, len(data))
    body = nonce + bytes(a ^ b for a, b in zip(data, stream, strict=True))
    tag = hmac.new(sign, body, hashlib.sha256).digest()
    return f"{_VERSION}:{base64.urlsafe_b64encode(body + tag).decode()}"


def unseal(sealed: str) -> str | None:
    """The secret, or None when the value is empty, damaged or from an unknown key."""
    version, _, payload = (sealed or "").partition(":")
    if version != _VERSION:
        return None
    try:
        raw = base64.urlsafe_b64decode(payload.encode())
    except ValueError:
        return None
    body, tag = raw[:-32], raw[-32:]
    if len(body) <= 16:
        return None
    for secret_key in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        encrypt, sign = _keys(secret_key)
        if hmac.compare_digest(hmac.new(sign, body, hashlib.sha256).digest(), tag):
            nonce, data = body[:16], body[16:]
            stream = _stream(encrypt, nonce, len(data))
            return bytes(a ^ b for a, b in zip(data, stream, strict=True)).decode()
    return None
