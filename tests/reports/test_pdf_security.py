"""Hostile report content cannot make the PDF renderer read local files, reach the network,
embed attachments or run scripts (worker/pdf.py)."""

from __future__ import annotations

import base64
import io
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pypdf import PdfReader

from worker.pdf import render_pdf, url_fetcher_for

PASSWD_MARK = "root:x:0:0"
# A 1×1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.fixture
def assets(tmp_path: Path) -> dict[str, Path]:
    css = tmp_path / "report.css"
    css.write_text(
        ".from-css::after { content: 'STYLED-BY-ASSET'; }\n.hidden { display: none; }\n",
        encoding="utf-8",
    )
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG)
    return {"report.css": css, "agency-logo": logo}


@pytest.fixture
def trap() -> dict:
    """An HTTP server on 127.0.0.1 that records every request; it must stay untouched."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            # Would redirect to a local file, were redirects ever followed.
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.timeout = 1
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    try:
        yield {"base": f"http://127.0.0.1:{server.server_address[1]}", "hits": hits}
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def render(html: str, assets: dict[str, Path] | None = None):
    return render_pdf(html, assets=assets or {}, timeout=20, memory_mb=1024)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def assert_nothing_leaked(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    text = text_of(pdf)
    assert PASSWD_MARK not in text
    assert PASSWD_MARK.encode() not in pdf
    hostname = Path("/etc/hostname")
    if hostname.exists() and hostname.read_text().strip():
        assert hostname.read_text().strip() not in text
    assert b"/EmbeddedFiles" not in pdf
    assert b"/EmbeddedFile" not in pdf
    assert not dict(reader.attachments)
    root = reader.trailer["/Root"]
    assert "/Names" not in root or "/EmbeddedFiles" not in root["/Names"]


def test_normal_page_renders_with_asset_stylesheet_and_right_page_count(assets):
    html = (
        '<link rel="stylesheet" href="asset:report.css">'
        '<h1 class="from-css">Quarterly report</h1><p class="hidden">NOT-SHOWN</p>'
        '<img src="asset:agency-logo" alt="">'
        '<h2 style="break-before: page">Second page</h2>'
    )
    rendered = render(html, assets)

    assert rendered.pdf.startswith(b"%PDF-")
    assert rendered.pages == 2
    assert len(PdfReader(io.BytesIO(rendered.pdf)).pages) == 2
    assert rendered.refused == []
    text = text_of(rendered.pdf)
    assert "Quarterly report" in text
    assert "STYLED-BY-ASSET" in text  # generated content from the asset stylesheet
    assert "NOT-SHOWN" not in text  # and its display: none applied


HOSTILE = {
    "img_file": ('<img src="file:///etc/passwd">', "file:///etc/passwd"),
    "css_import_http": ("<style>@import url({base}/x.css);</style><p>x</p>", "{base}/x.css"),
    "css_background_https": (
        '<div style="background: url(https://example.com/a.png)">x</div>',
        "https://example.com/a.png",
    ),
    "css_background_local_http": (
        '<div style="background-image: url({base}/bg.png)">x</div>',
        "{base}/bg.png",
    ),
    "img_http": ('<img src="{base}/pixel.png">', "{base}/pixel.png"),
    "font_face_file": (
        "<style>@font-face { font-family: X; src: url(file:///etc/passwd); }"
        " p { font-family: X }</style><p>x</p>",
        "file:///etc/passwd",
    ),
    "svg_image_file": (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        ' width="100" height="100"><image href="file:///etc/hostname" width="100"'
        ' height="100"/><image xlink:href="{base}/svg.png" width="10" height="10"/></svg>',
        "file:///etc/hostname",
    ),
    "link_attachment": ('<link rel="attachment" href="file:///etc/passwd">', "file:///etc/passwd"),
    "anchor_attachment": (
        '<a rel="attachment" href="file:///etc/passwd">passwd</a>',
        "file:///etc/passwd",
    ),
    "object_file": ('<object data="file:///etc/passwd" type="image/png"></object>', "file:"),
    "embed_file": ('<embed src="file:///etc/passwd" type="image/png">', "file:"),
    "asset_traversal": ('<img src="asset:../../etc/passwd">', "asset:../../etc/passwd"),
    "asset_traversal_css": (
        '<link rel="stylesheet" href="asset:/../../../etc/passwd">',
        "asset:",
    ),
    "unknown_asset": ('<img src="asset:secret-key">', "asset:secret-key"),
    "data_html": (
        '<img src="data:text/html,<p>root:x:0:0</p>">'
        '<link rel="stylesheet" href="data:text/css,p{color:red}">',
        "data:text/html",
    ),
    "data_svg": (
        '<img src="data:image/svg+xml;base64,'
        + base64.b64encode(
            b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>'
        ).decode()
        + '">',
        "data:image/svg+xml",
    ),
    "data_png_disguised_svg": (
        '<img src="data:image/png;base64,'
        + base64.b64encode(
            b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>'
        ).decode()
        + '">',
        "data:image/png",
    ),
    "ftp": ('<img src="ftp://127.0.0.1/x.png">', "ftp://127.0.0.1/x.png"),
    "base_tag_file": ('<base href="file:///etc/"><img src="passwd">', "file:///etc/passwd"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_url_is_refused_and_nothing_is_read_or_requested(case, trap, assets):
    snippet, expected = HOSTILE[case]
    html = snippet.replace("{base}", trap["base"])
    expected = expected.replace("{base}", trap["base"])

    rendered = render("<p>Report body</p>" + html, assets)

    assert "Report body" in text_of(rendered.pdf)
    assert any(url.startswith(expected) for url in rendered.refused), rendered.refused
    assert_nothing_leaked(rendered.pdf)
    assert trap["hits"] == []


def test_all_hostile_content_in_one_document_leaks_nothing(trap, assets):
    html = "".join(snippet.replace("{base}", trap["base"]) for snippet, _ in HOSTILE.values())
    rendered = render('<link rel="stylesheet" href="asset:report.css"><p>Body</p>' + html, assets)

    assert_nothing_leaked(rendered.pdf)
    assert trap["hits"] == []
    assert len(rendered.refused) >= len(HOSTILE) - 3  # some cases share one URL


def test_script_iframe_and_object_produce_nothing(trap):
    html = (
        "<p>Visible</p>"
        "<script>document.write('INJECTED-BY-SCRIPT'); alert(1)</script>"
        f'<iframe src="{trap["base"]}/frame.html">IFRAME-FALLBACK</iframe>'
        '<iframe src="file:///etc/passwd"></iframe>'
        f'<object data="{trap["base"]}/doc.html" type="text/html"></object>'
    )
    rendered = render(html)

    text = text_of(rendered.pdf)
    assert "Visible" in text
    assert "INJECTED-BY-SCRIPT" not in text
    assert "alert(1)" not in text
    assert_nothing_leaked(rendered.pdf)
    assert trap["hits"] == []
    assert b"/JavaScript" not in rendered.pdf
    assert b"/JS" not in rendered.pdf


# ----------------------------------------------------------------- the fetcher on its own


def test_fetcher_serves_named_assets_with_type_by_suffix(assets):
    refused: list[str] = []
    fetch = url_fetcher_for(assets, refused)

    css = fetch("asset:report.css")
    assert css.content_type == "text/css"
    assert b"STYLED-BY-ASSET" in css.read()
    logo = fetch("asset:agency-logo")
    assert logo.read() == PNG
    assert fetch("report.css").read().startswith(b".from-css")  # relative to base "asset:/"
    assert refused == []


def test_fetcher_serves_raster_data_urls():
    refused: list[str] = []
    fetch = url_fetcher_for({}, refused)

    response = fetch("data:image/png;base64," + base64.b64encode(PNG).decode())
    assert response.content_type == "image/png"
    assert response.read() == PNG
    assert refused == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://127.0.0.1:9/x.css",
        "https://example.com/a.png",
        "ftp://example.com/a.png",
        "gopher://127.0.0.1/",
        "asset:../../etc/passwd",
        "asset:%2e%2e/%2e%2e/etc/passwd",
        "asset:///etc/passwd",
        "asset:missing",
        "../../etc/passwd",
        "/etc/passwd",
        "data:text/html,<p>hi</p>",
        "data:text/css,p{color:red}",
        "data:image/svg+xml,<svg/>",
        "data:image/png;base64,PHN2Zy8+",  # "<svg/>" claiming to be a PNG
        "data:,plain",
    ],
)
def test_fetcher_refuses_records_and_logs(url, assets, caplog):
    refused: list[str] = []
    fetch = url_fetcher_for(assets, refused)

    with caplog.at_level(logging.WARNING, logger="tandem.pdf"), pytest.raises(ValueError):
        fetch(url)

    assert refused == [url]
    assert any(url[:40] in record.getMessage() for record in caplog.records)


def test_fetcher_refuses_an_asset_that_is_not_a_regular_file(tmp_path):
    refused: list[str] = []
    fetch = url_fetcher_for({"agency-logo": Path("/dev/urandom"), "dir": tmp_path}, refused)

    for url in ("asset:agency-logo", "asset:dir"):
        with pytest.raises(ValueError):
            fetch(url)
    assert refused == ["asset:agency-logo", "asset:dir"]


def test_fetcher_never_opens_a_socket(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the fetcher opened a socket")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    refused: list[str] = []
    fetch = url_fetcher_for({}, refused)
    for url in ("http://127.0.0.1:9/", "https://example.com/", "ftp://example.com/"):
        with pytest.raises(ValueError):
            fetch(url)
        with pytest.raises(ValueError):
            fetch.open(url)
    assert len(refused) == 6
