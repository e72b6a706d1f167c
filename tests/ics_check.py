"""Run the strict ICS validator (tests/ics_validate.py: libical, Debian's Python) from pytest.

The validator needs PyGObject and libical's introspection data, which are Debian packages and
not in the virtualenv, so it runs as a subprocess of /usr/bin/python3.  Without them the test
is skipped with the packages to install; CI installs them (scripts/system-packages test).
"""

from __future__ import annotations

import json
import os
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

SYSTEM_PYTHON = "/usr/bin/python3"
VALIDATOR = Path(__file__).with_name("ics_validate.py")
PACKAGES = "gir1.2-ical-3.0 python3-gi"


class InvalidICS(AssertionError):
    """The validator rejected the file; the message lists what it found."""


@lru_cache(maxsize=1)
def _libical_missing() -> str | None:
    """Why the validator cannot run here, or None when it can."""
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} not found"
    probe = "import gi; gi.require_version('ICalGLib', '3.0'); from gi.repository import ICalGLib"
    result = subprocess.run([SYSTEM_PYTHON, "-c", probe], capture_output=True, text=True)
    if result.returncode:
        return result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "gi failed"
    return None


def run_validator(data: bytes) -> tuple[int, list[dict], str]:
    """Exit status, each event's times as libical reads them (UTC), and the messages."""
    missing = _libical_missing()
    if missing:
        message = (
            f"strict ICS validator unavailable ({missing}): "
            f"sudo apt-get install {PACKAGES} (scripts/system-packages test)"
        )
        if os.environ.get("CI"):  # CI installs them: a skip there would hide a gap
            pytest.fail(message)
        pytest.skip(message)
    result = subprocess.run(
        [SYSTEM_PYTHON, str(VALIDATOR), "--times"], input=data, capture_output=True, timeout=60
    )
    stdout = result.stdout.decode("utf-8", "replace").strip()
    times = json.loads(stdout) if stdout else []
    return result.returncode, times, result.stderr.decode("utf-8", "replace")


def assert_valid_ics(data: bytes) -> list[dict]:
    """Raise InvalidICS with the validator's messages unless libical and our rules accept it.

    Returns each VEVENT's ``uid``, ``sequence``, ``status``, ``recurrence_id``, ``start`` and
    ``end`` as libical computes them in UTC from the file's own VTIMEZONEs.
    """
    status, times, messages = run_validator(data)
    if status != 0:
        raise InvalidICS(f"the ICS validator rejected the file (exit {status}):\n{messages}")
    return times
