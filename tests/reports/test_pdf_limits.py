"""The PDF renderer ends within its time and memory limits, whatever the content
(worker/pdf.py): the worker is never stuck on one report."""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import time

import pytest
from pypdf import PdfReader

import worker.pdf as pdf
from worker.pdf import Rendered, RenderLimitExceeded, RenderRefused, render_pdf

TIMEOUT = 5


def timed(html: str, *, timeout: int = TIMEOUT, memory_mb: int = 1024):
    """(outcome, elapsed seconds): outcome is a Rendered or the RenderRefused raised."""
    started = time.monotonic()
    try:
        outcome = render_pdf(html, assets={}, timeout=timeout, memory_mb=memory_mb)
    except RenderRefused as error:
        outcome = error
    return outcome, time.monotonic() - started


def vm_size_mb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) // 1024
    raise AssertionError("no VmSize")


def big_table(rows: int) -> str:
    return "<table>" + "<tr><td>row</td><td>a cell of text</td></tr>" * rows + "</table>"


@pytest.fixture(autouse=True)
def no_child_left_behind():
    yield
    assert multiprocessing.active_children() == []


def test_a_20000_row_table_is_stopped_at_the_time_limit():
    outcome, elapsed = timed(big_table(20_000))

    assert isinstance(outcome, RenderLimitExceeded)
    assert f"longer than {TIMEOUT} seconds" in str(outcome)
    assert TIMEOUT - 0.5 <= elapsed < TIMEOUT + 10


def test_a_huge_font_size_ends_cleanly_within_the_limit():
    outcome, elapsed = timed('<p style="font-size: 1e9px">Enormous</p><p>after</p>')

    assert isinstance(outcome, Rendered | RenderRefused)
    assert elapsed < TIMEOUT + 10
    if isinstance(outcome, RenderRefused):
        assert str(outcome).startswith("The report")


def test_dev_urandom_as_an_image_is_refused_without_reading_it():
    outcome, elapsed = timed('<p>Logo:</p><img src="file:///dev/urandom"><p>done</p>')

    assert isinstance(outcome, Rendered)
    assert outcome.refused == ["file:///dev/urandom"]
    assert elapsed < TIMEOUT


def test_a_100_kb_word_renders_or_is_refused_cleanly():
    outcome, elapsed = timed("<p>" + "w" * 100_000 + "</p><p>TAIL-MARK</p>")

    assert elapsed < TIMEOUT + 10
    if isinstance(outcome, Rendered):
        assert outcome.pdf.startswith(b"%PDF-")
        assert len(PdfReader(io.BytesIO(outcome.pdf)).pages) == outcome.pages >= 1
    else:
        assert isinstance(outcome, RenderRefused)


def test_running_out_of_memory_in_the_renderer_fails_with_the_memory_reason(monkeypatch):
    """A MemoryError inside the child (what RLIMIT_AS produces) is a memory failure.

    Deterministic on purpose: how much address space a real render needs depends on what
    the process has already imported, which made a real out-of-memory test flaky."""

    def out_of_memory(conn, *args):
        conn.send(("memory", None, 0, []))
        conn.close()

    monkeypatch.setattr(pdf, "_child", out_of_memory)
    outcome, elapsed = timed("<p>x</p>", memory_mb=300)
    assert isinstance(outcome, RenderLimitExceeded)
    assert "more than 300 MB" in str(outcome)
    assert elapsed < TIMEOUT


def test_an_allocation_failure_surfacing_as_another_error_counts_as_memory(monkeypatch):
    """C extensions that fail to allocate often raise SystemError: near the limit, that is
    reported as the memory limit, not as unrenderable content."""
    monkeypatch.setattr(pdf, "_near_memory_limit", lambda _limit_kb: True)
    monkeypatch.setattr(pdf, "url_fetcher_for", _raise_system_error)
    outcome, _ = timed("<p>x</p>", memory_mb=2048)
    assert isinstance(outcome, RenderLimitExceeded)


def _raise_system_error(*_args, **_kwargs):
    raise SystemError("error return without exception set")


def test_a_child_killed_mid_render_fails_with_the_memory_reason(monkeypatch):
    """Does the OOM killer (a SIGKILL) end in a clean failure rather than a hang?"""

    def killed(conn, *args):
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(pdf, "_child", killed)
    outcome, elapsed = timed("<p>x</p>")

    assert isinstance(outcome, RenderLimitExceeded)
    assert "more than 1024 MB" in str(outcome)
    assert elapsed < TIMEOUT


def test_a_child_that_hangs_is_killed_at_the_time_limit(monkeypatch):
    def hangs(conn, *args):
        time.sleep(60)

    monkeypatch.setattr(pdf, "_child", hangs)
    outcome, elapsed = timed("<p>x</p>", timeout=1)

    assert isinstance(outcome, RenderLimitExceeded)
    assert "longer than 1 seconds" in str(outcome)
    assert elapsed < 7


def test_a_weasyprint_error_is_refused_with_a_reason_not_retried(monkeypatch):
    import weasyprint

    def broken(self, *args, **kwargs):
        raise ValueError("layout exploded")

    monkeypatch.setattr(weasyprint.HTML, "render", broken)
    outcome, _ = timed("<p>x</p>")

    assert type(outcome) is RenderRefused
    assert "layout exploded" in str(outcome)
