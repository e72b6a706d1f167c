"""How an import says no: every problem with the row number a person sees (header = row 1)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from saas.i18n import gettext as _
from saas.services.errors import ValidationFailed
from saas.services.plans import CalendarItemData, CampaignData, EditConflict


@dataclass(frozen=True)
class RowError:
    """One problem: ``row`` as the spreadsheet numbers it (None: the file as a whole)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column:
            return _(
                "Row %(row)s, %(column)s: %(message)s",
                row=self.row,
                column=self.column,
                message=self.message,
            )
        return _("Row %(row)s: %(message)s", row=self.row, message=self.message)


class ImportRejected(ValidationFailed):
    """The file was refused; ``errors`` lists every problem found (nothing was saved)."""

    def __init__(self, errors: Sequence[RowError]):
        errors = list(errors)
        if len(errors) == 1 and errors[0].row is None:
            message = errors[0].message
        else:
            message = _(
                "Nothing was imported: %(count)s problems were found. Fix them in the file "
                "and import it again.",
                count=len(errors),
            )
        super().__init__(message, fields={"file": message})
        self.errors = errors


def reject(message: str) -> ImportRejected:
    """A refusal of the file as a whole."""
    return ImportRejected([RowError(None, None, message)])


class CellError(Exception):
    """One cell could not be read; the row parser records it and goes on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ImportConflict(EditConflict):
    """The plan changed since the import page was opened: nothing was saved.  Carries the
    content the file would have saved, so the page can show it beside the saved plan."""

    def __init__(
        self,
        current_version: int,
        kind: str,
        campaigns: list[CampaignData],
        calendar: list[CalendarItemData],
    ):
        super().__init__(current_version)
        self.kind = kind
        self.campaigns = campaigns
        self.calendar = calendar
