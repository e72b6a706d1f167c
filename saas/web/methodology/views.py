"""Web views: methodology."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("methodology", __name__)
