"""The goal × campaign matrix of the review, in blocks of columns that fit an A4 page."""

from __future__ import annotations

from typing import Any

from saas.presentation.labels.reviews import STRENGTH_LABELS, STRENGTH_SYMBOLS
from saas.services.report_content.data import ReportData
from saas.services.reviews import strength_word

MATRIX_MAX_CAMPAIGNS = 40
MATRIX_COLUMNS = 20


def _cell(word: str) -> dict[str, str]:
    return {"word": word, "symbol": STRENGTH_SYMBOLS[word], "label": str(STRENGTH_LABELS[word])}


def build_matrix(d: ReportData) -> dict[str, Any] | None:
    if d.review is None:
        return {"no_review": True}
    coverage = d.review.coverage or {}
    campaigns = d.campaigns[:MATRIX_MAX_CAMPAIGNS]
    goals = [(g, coverage.get(str(g.id))) for g in d.goals]
    goals = [(g, cells) for g, cells in goals if cells is not None]
    numbered = [
        {"n": d.number(i + 1), "id": c["id"], "name": d.text(c["name"])}
        for i, c in enumerate(campaigns)
    ]
    # A4 holds about 20 columns legibly: wider plans continue in a second table.
    blocks = []
    for start in range(0, len(numbered), MATRIX_COLUMNS):
        chunk = numbered[start : start + MATRIX_COLUMNS]
        rows = [
            {
                "title": d.text(g.title),
                "cells": [_cell(strength_word(cells.get(str(c["id"])))) for c in chunk],
            }
            for g, cells in goals
        ]
        blocks.append({"campaigns": chunk, "rows": rows})
    return {
        "no_review": False,
        "campaigns": numbered,
        "blocks": blocks,
        "rows": bool(goals and numbered),
        "hidden": len(d.campaigns) - len(campaigns),
        "hidden_text": d.number(len(d.campaigns) - len(campaigns)),
        "legend": [
            {"symbol": STRENGTH_SYMBOLS[w], "label": str(STRENGTH_LABELS[w]), "word": w}
            for w in ("strong", "partial", "none")
        ],
    }
