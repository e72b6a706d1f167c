"""How a secret we must recognise but never read back is stored: its SHA-256, in hex.

One function for every such secret (API tokens, one-time links, invitation links, session
ids): a lookup by hash finds the row, and a leaked table holds nothing usable.
"""

from __future__ import annotations

import hashlib


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()
