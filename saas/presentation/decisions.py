"""Leadership decisions ready for a template: the shared ``templates/_decisions.html`` macro
turns each into its translated question, on the brand overview and in the board report."""

from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal

from saas.domain.decisions import Decision
from saas.presentation.names import quoted_names


def for_template(decisions: list[Decision], locale: str) -> list[dict[str, Any]]:
    """Each decision with its names quoted and joined and its count formatted for ``locale``."""
    return [
        {
            "kind": d.kind,
            "n": d.n,
            "name": quoted_names(list(d.names), locale),
            "count": format_decimal(d.count, format="#,##0", locale=locale),
        }
        for d in decisions
    ]
