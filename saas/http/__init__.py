"""HTTP helpers that neither the web pages nor the API own: ids, pagination, JSON errors.

Both ``saas.web`` and ``saas.api`` import from here; this package imports neither.
"""

from saas.http.errors import (
    API_CODES,
    ApiError,
    allow_headers,
    error_body,
    http_error_json,
    http_error_message,
    json_error,
    status_message,
    wants_json,
)
from saas.http.ids import MAX_ID, get_or_404, is_ascii_digits, parse_id
from saas.http.pages import MAX_PAGE, MAX_PER_PAGE, Page, page_args, page_params, paginate
from saas.http.text import control_char_paths, has_control_chars

__all__ = [
    "API_CODES",
    "MAX_ID",
    "MAX_PAGE",
    "MAX_PER_PAGE",
    "ApiError",
    "Page",
    "allow_headers",
    "control_char_paths",
    "error_body",
    "get_or_404",
    "has_control_chars",
    "http_error_json",
    "http_error_message",
    "is_ascii_digits",
    "json_error",
    "page_args",
    "page_params",
    "paginate",
    "parse_id",
    "status_message",
    "wants_json",
]
