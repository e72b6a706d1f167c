"""A job for the failover tests: it appends a line, so running twice shows."""

from __future__ import annotations

import os
from pathlib import Path


def append(path: str, text: str) -> None:
    with Path(path).open("a") as f:
        f.write(f"{text} pid={os.getpid()}\n")
