"""The people's mailboxes: what the mail transport delivered (``MAIL_FILE_DIR``), read back.

Account mail keeps no copy of its link in the database, so a test that needs the link
reads it where its owner would: in the delivered email.  Works in eager mode and with a
real worker process alike (both write to the same folder).
"""

from __future__ import annotations

import email
import time
from dataclasses import dataclass
from email import policy
from pathlib import Path

from flask import current_app


@dataclass
class Delivered:
    to: str
    subject: str
    text: str
    html: str

    # Same names as OutboxMessage, so helpers accept either.
    @property
    def body_text(self) -> str:
        return self.text

    @property
    def body_html(self) -> str:
        return self.html


def _read(path: Path) -> Delivered:
    msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    return Delivered(
        to=str(msg["To"]),
        subject=str(msg["Subject"]),
        text=text.get_content() if text is not None else "",
        html=html.get_content() if html is not None else "",
    )


def inbox(to: str | None = None, *, wait_for: int = 0, timeout: float = 20.0) -> list[Delivered]:
    """Delivered messages, oldest first; ``wait_for`` waits until at least that many."""
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    deadline = time.monotonic() + timeout
    while True:
        found = [_read(p) for p in sorted(folder.glob("*.eml"))] if folder.exists() else []
        if to is not None:
            found = [m for m in found if m.to == to]
        if len(found) >= wait_for or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def last_to(to: str, subject_contains: str | None = None) -> Delivered:
    """The newest message delivered to ``to`` (waiting for one if needed)."""
    messages = inbox(to, wait_for=1)
    if subject_contains is not None:
        messages = [m for m in messages if subject_contains in m.subject]
    assert messages, f"no email delivered to {to}"
    return messages[-1]
