"""HTML → PDF with WeasyPrint, locked down.

Two walls, modelled on Indico's receipts:

* ``url_fetcher_for(assets, refused)``: the only way WeasyPrint can read anything. It serves
  ``asset:<name>`` from a dict the caller builds (our static CSS and fonts, the agency's and
  the brand's stored logo) and ``data:`` URLs of raster image types; it refuses every other
  URL (``file:``, ``http(s):``, ``ftp:``, unknown asset names, ``data:`` of any other type),
  records it in ``refused`` and logs it on ``tandem.pdf``. There is no network code here at
  all, so there is nothing to redirect.
* ``render_pdf(...)``: renders in a forked child process with ``RLIMIT_AS`` set to the
  memory limit; the parent kills the child when the time limit passes. Limits end in
  ``RenderLimitExceeded``; any other failure in ``RenderRefused``. Both mean "fail the
  report, do not retry", and ``str(error)`` is a reason a person can act on.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import mimetypes
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes

from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger("tandem.pdf")

#: Raster image types accepted in ``data:`` URLs, with the bytes each must start with.
#: No SVG: an SVG document can itself reference URLs and carry text.
DATA_IMAGE_MAGIC: dict[str, tuple[bytes, ...]] = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),  # followed by size and "WEBP", checked below
}
#: Upper bounds on what a single fetch may hand to WeasyPrint.
MAX_ASSET_BYTES = 20 * 1024 * 1024
MAX_DATA_URL_BYTES = 5 * 1024 * 1024

_EXTRA_TYPES = {
    ".css": "text/css",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


class RenderRefused(Exception):  # noqa: N818 - the name is part of the contract
    """Bad data or a limit: fail the report, do not retry. ``str(e)`` is the reason."""


class RenderLimitExceeded(RenderRefused):
    """The render ran out of time or memory."""


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    refused: list[str] = field(default_factory=list)


class _Refused(ValueError):
    """Raised inside the fetcher; WeasyPrint logs it and skips the resource."""


def _short(url: str, limit: int = 200) -> str:
    return url if len(url) <= limit else url[:limit] + "…"


class LockedFetcher(URLFetcher):
    """A WeasyPrint 70 URL fetcher that opens nothing but the given assets and image data."""

    def __init__(self, assets: dict[str, Path], refused: list[str]):
        # No handlers: even if something reached OpenerDirector.open, it could open nothing.
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
        self.handlers = []
        self.handle_open = {}
        self.handle_error = {}
        self.process_response = {}
        self.process_request = {}
        self._assets = {str(name): Path(path) for name, path in assets.items()}
        self.refused = refused

    # WeasyPrint calls the fetcher (``__call__`` → ``fetch``); ``open`` is urllib's entry.
    def open(self, url, data=None, timeout=None):
        target = getattr(url, "full_url", url)
        return self.fetch(str(target))

    def fetch(self, url, headers=None):
        try:
            return self._fetch(url)
        except _Refused as refusal:
            self.refused.append(_short(url))
            log.warning("PDF render refused URL %s: %s", _short(url), refusal)
            raise

    def _fetch(self, url: str) -> URLFetcherResponse:
        scheme, sep, rest = url.partition(":")
        scheme = scheme.lower() if sep else ""
        if scheme == "asset":
            return self._asset(url, rest)
        if scheme == "data":
            return self._data(url, rest)
        if not sep or "/" in scheme:
            # A relative reference joined to base_url "asset:/" arrives without its scheme
            # (urljoin does not know "asset:"): only an exact asset name is served.
            return self._asset(url, url)
        raise _Refused(f"scheme {scheme!r} is not allowed")

    def _asset(self, url: str, rest: str) -> URLFetcherResponse:
        name = unquote(rest.split("#", 1)[0].split("?", 1)[0]).lstrip("/")
        path = self._assets.get(name)
        if path is None:
            raise _Refused("not a known asset")
        try:
            if not path.is_file():
                raise _Refused("asset is not a regular file")
            size = path.stat().st_size
            if size > MAX_ASSET_BYTES:
                raise _Refused("asset is too large")
            body = path.read_bytes()[: MAX_ASSET_BYTES + 1]
        except OSError as error:
            raise _Refused(f"asset unreadable ({type(error).__name__})") from None
        suffix = path.suffix.lower()
        mime = _EXTRA_TYPES.get(suffix) or mimetypes.guess_type(path.name)[0]
        if mime is None:
            mime = "application/octet-stream"
        return URLFetcherResponse(f"asset:{name}", body, {"Content-Type": mime})

    def _data(self, url: str, rest: str) -> URLFetcherResponse:
        meta, comma, payload = rest.partition(",")
        if not comma:
            raise _Refused("malformed data: URL")
        params = [p.strip().lower() for p in meta.split(";")]
        mime = params[0] if params else ""
        if mime not in DATA_IMAGE_MAGIC:
            raise _Refused(f"data: URL of type {mime or 'text/plain'!r} is not allowed")
        if len(payload) > MAX_DATA_URL_BYTES * 2:
            raise _Refused("data: URL is too large")
        try:
            if "base64" in params[1:]:
                body = base64.b64decode(unquote_to_bytes(payload), validate=False)
            else:
                body = unquote_to_bytes(payload)
        except (binascii.Error, ValueError):
            raise _Refused("data: URL does not decode") from None
        if len(body) > MAX_DATA_URL_BYTES:
            raise _Refused("data: URL is too large")
        if not body.startswith(DATA_IMAGE_MAGIC[mime]) or (
            mime == "image/webp" and body[8:12] != b"WEBP"
        ):
            raise _Refused(f"data: URL content is not a {mime} image")
        return URLFetcherResponse("data:" + mime, body, {"Content-Type": mime})


def url_fetcher_for(assets: dict[str, Path], refused: list[str]) -> Callable:
    """The locked-down fetcher: serves ``assets`` and raster ``data:`` images, refuses the rest
    (appending each refused URL to ``refused`` and logging it)."""
    return LockedFetcher(assets, refused)


# --------------------------------------------------------------------------- the child


def _child(conn, html: str, assets: dict[str, Path], memory_mb: int) -> None:
    refused: list[str] = []
    # The budget is on top of what the child inherits from its parent: a long-lived parent
    # (threads, malloc arenas, a big test process) must not eat the render's allowance.
    limit_kb = _status_kb("VmSize") + int(memory_mb) * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit_kb * 1024, limit_kb * 1024))
        import warnings

        from weasyprint import HTML

        with warnings.catch_warnings():
            # Library warnings are not render failures (the test suite turns them into errors).
            warnings.simplefilter("ignore")
            document = HTML(
                string=html, base_url="asset:/", url_fetcher=url_fetcher_for(assets, refused)
            ).render()
            pages = len(document.pages)
            pdf = document.write_pdf()
        conn.send(("ok", pdf, pages, refused))
    except MemoryError:
        _send_quietly(conn, ("memory", None, 0, refused))
    except RecursionError:
        _send_quietly(conn, ("error", "the content is nested too deeply", 0, refused))
    except BaseException as error:  # noqa: BLE001 - report every failure to the parent
        if _near_memory_limit(limit_kb):
            # C extensions that fail to allocate often surface as SystemError or similar.
            _send_quietly(conn, ("memory", None, 0, refused))
        else:
            reason = f"{type(error).__name__}: {str(error)[:200]}".rstrip(": ")
            _send_quietly(conn, ("error", reason, 0, refused))
    finally:
        conn.close()


def _status_kb(field: str) -> int:
    """A ``/proc/self/status`` figure in KiB (0 where there is no /proc)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _near_memory_limit(limit_kb: int) -> bool:
    """Did this process come within 10 % of its address-space limit (VmPeak)?"""
    peak_kb = _status_kb("VmPeak")
    return bool(peak_kb) and peak_kb >= limit_kb * 0.9


def _send_quietly(conn, message) -> None:
    # Out of memory or the pipe gone: the exit code speaks instead.
    with contextlib.suppress(BaseException):
        conn.send(message)


# --------------------------------------------------------------------------- the parent


def render_pdf(html: str, *, assets: dict[str, Path], timeout: int, memory_mb: int) -> Rendered:
    """Render ``html`` to PDF in a child process limited to ``timeout`` seconds and
    ``memory_mb`` MiB of address space. Raises RenderLimitExceeded / RenderRefused."""
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(
        target=_child, args=(sender, html, dict(assets), memory_mb), name="tandem-pdf"
    )
    started = time.monotonic()
    child.start()
    sender.close()
    too_slow = RenderLimitExceeded(
        f"The report took longer than {timeout} seconds to render. "
        "Choose fewer sections or a shorter period and try again."
    )
    too_big = RenderLimitExceeded(
        f"The report needed more than {memory_mb} MB of memory to render. "
        "Choose fewer sections or a shorter period and try again."
    )
    try:
        if not receiver.poll(max(0.0, timeout)):
            _kill(child)
            log.warning("PDF render killed after %ss (time limit)", timeout)
            raise too_slow
        try:
            message = receiver.recv()
        except (EOFError, OSError):
            # The child died without a word: killed (out of memory) or aborted in C code
            # when an allocation failed under RLIMIT_AS.
            child.join(5)
            if child.is_alive():
                _kill(child)
            log.warning(
                "PDF render child died after %.1fs (exit code %s)",
                time.monotonic() - started,
                child.exitcode,
            )
            raise too_big from None
        status, value, pages, refused = message
        child.join(5)
        if child.is_alive():
            _kill(child)
        if refused:
            log.warning("PDF render refused %d URL(s)", len(refused))
        if status == "ok":
            return Rendered(pdf=value, pages=pages, refused=list(refused))
        if status == "memory":
            raise too_big
        log.warning("PDF render failed: %s", value)
        raise RenderRefused(
            "The report could not be rendered: its content has something the PDF engine "
            f"cannot lay out ({value}). Check unusual text or images in the period."
        )
    finally:
        receiver.close()
        if child.is_alive():
            _kill(child)


def _kill(child) -> None:
    with contextlib.suppress(ProcessLookupError, TypeError):
        os.kill(child.pid, signal.SIGKILL)
    child.join(5)
