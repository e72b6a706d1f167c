"""Helpers for the operations tests: the request log lines and the delivered mail's headers."""

from __future__ import annotations

import email
import json
import logging
from email import policy
from pathlib import Path

import pytest
from flask import current_app

from saas.logging_setup import JsonFormatter


@pytest.fixture
def json_lines(caplog):
    """``json_lines(logger=None)``: the captured records as the JSON lines production
    writes (``LOG_FORMAT=json``), oldest first."""
    caplog.set_level(logging.INFO)
    formatter = JsonFormatter()

    def lines(logger: str | None = None) -> list[dict]:
        return [
            json.loads(formatter.format(r))
            for r in caplog.records
            if logger is None or r.name == logger
        ]

    return lines


def delivered_headers() -> list[email.message.EmailMessage]:
    """Every delivered email (``MAIL_FILE_DIR``), parsed with its headers, oldest first."""
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    return [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted(folder.glob("*.eml"))
    ]
