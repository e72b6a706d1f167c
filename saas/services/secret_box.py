"""Small secrets at rest (two-factor TOTP keys), sealed with the standard library only.

``cryptography`` is not a dependency, so this is a textbook construction from HMAC-SHA256
alone, **encrypt-then-MAC**:

* two keys are derived from the master key with HMAC-SHA256 under distinct labels
  (``… enc`` and ``… mac``), so the cipher and the MAC never share a key;
* a fresh random nonce (9 bytes, ``secrets.token_bytes``) per sealing; the keystream is
  ``HMAC-SHA256(enc_key, label ‖ context ‖ nonce ‖ block counter)`` (HMAC as a PRF in
  counter mode), XORed with the plaintext;
* the tag is ``HMAC-SHA256(mac_key, version ‖ context ‖ nonce ‖ ciphertext)`` truncated to
  16 bytes, checked with ``hmac.compare_digest`` *before* anything is decrypted.

``context`` binds a sealed value to its owner (the user id for a TOTP key): a value copied
to another row does not open.  Sealed values are ``"v1$" + base64url(nonce ‖ ciphertext ‖
tag)`` (no padding); ``$`` never occurs in a base32 TOTP key, so a value without the prefix
is a legacy plain one.  A 20-byte TOTP key seals into 63 characters (the column holds 64).

A keystream repeats only if one context draws the same 72-bit nonce twice, which a person
re-setting two-factor would need ~2^36 times to have even odds of.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "v1$"
NONCE_BYTES = 9
TAG_BYTES = 16
_LABEL = b"tandem secret-box v1"


class Unreadable(ValueError):
    """The value was not sealed with this key (a rotated key, a copied or altered row)."""


def is_sealed(value: str | None) -> bool:
    return bool(value) and str(value).startswith(PREFIX)


def _keys(master: bytes) -> tuple[bytes, bytes]:
    enc = hmac.new(master, _LABEL + b" enc", hashlib.sha256).digest()
    mac = hmac.new(master, _LABEL + b" mac", hashlib.sha256).digest()
    return enc, mac


def _keystream(enc_key: bytes, context: bytes, nonce: bytes, length: int) -> bytes:
    out = bytearray()
    block = 0
    while len(out) < length:
        message = _LABEL + len(context).to_bytes(4, "big") + context + nonce
        out += hmac.new(enc_key, message + block.to_bytes(4, "big"), hashlib.sha256).digest()
        block += 1
    return bytes(out[:length])


def _tag(mac_key: bytes, context: bytes, nonce: bytes, ciphertext: bytes) -> bytes:
    message = PREFIX.encode() + len(context).to_bytes(4, "big") + context + nonce + ciphertext
    return hmac.new(mac_key, message, hashlib.sha256).digest()[:TAG_BYTES]


def seal(plaintext: bytes, *, master: bytes, context: bytes) -> str:
    enc_key, mac_key = _keys(master)
    nonce = secrets.token_bytes(NONCE_BYTES)
    stream = _keystream(enc_key, context, nonce, len(plaintext))
    ciphertext = bytes(a ^ b for a, b in zip(plaintext, stream, strict=True))
    tag = _tag(mac_key, context, nonce, ciphertext)
    return PREFIX + base64.urlsafe_b64encode(nonce + ciphertext + tag).decode().rstrip("=")


def open_sealed(value: str, *, master: bytes, context: bytes) -> bytes:
    """The plaintext of a ``seal`` result, or ``Unreadable``."""
    if not is_sealed(value):
        raise Unreadable("not a sealed value")
    body = value[len(PREFIX) :]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, TypeError):
        raise Unreadable("not base64") from None
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise Unreadable("too short")
    nonce, ciphertext, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    enc_key, mac_key = _keys(master)
    if not hmac.compare_digest(tag, _tag(mac_key, context, nonce, ciphertext)):
        raise Unreadable("wrong key or altered value")
    stream = _keystream(enc_key, context, nonce, len(ciphertext))
    return bytes(a ^ b for a, b in zip(ciphertext, stream, strict=True))
