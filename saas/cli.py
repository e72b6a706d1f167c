"""Flask CLI commands: ``flask --app saas demo`` and maintenance tasks."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    pass
