"""Does a machine without WeasyPrint's libraries or fonts hear what to install, and from one list?

scripts/preflight.py runs before anything imports WeasyPrint (scripts/test, scripts/demo, CI,
the Docker build). These tests run it as a subprocess, as those do, with one library's names
replaced by a name no loader finds, and check the one list in scripts/system-packages is the
one the README, .ci/run and the Dockerfile install.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PREFLIGHT = ROOT / "scripts" / "preflight.py"
SYSTEM_PACKAGES = ROOT / "scripts" / "system-packages"


def _module():
    spec = importlib.util.spec_from_file_location("tandem_preflight", PREFLIGHT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


preflight = _module()


def run_preflight(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    # -I -S: no site-packages and no PYTHON* variables, as with a bare system Python.
    return subprocess.run(
        [sys.executable, "-I", "-S", str(PREFLIGHT), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def system_packages(*groups: str) -> list[str]:
    out = subprocess.run(
        [str(SYSTEM_PACKAGES), *groups], capture_output=True, text=True, check=True
    ).stdout
    return out.split()


def _bogus(key: str) -> str:
    return f"{key}=lib{key}-tandem-absent.so.404"


def test_preflight_passes_on_this_machine_without_any_third_party_package():
    result = run_preflight()

    assert result.returncode == 0, result.stderr
    assert "WeasyPrint's libraries" in result.stdout
    assert "Arabic font" in result.stdout


@pytest.mark.parametrize("library", [lib.key for lib in preflight.LIBRARIES])
def test_a_missing_library_is_named_with_its_package_and_the_one_install_command(library):
    lib = next(lib for lib in preflight.LIBRARIES if lib.key == library)

    result = run_preflight("--library", _bogus(library))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"missing library  {library}: lib{library}-tandem-absent.so.404" in result.stderr
    assert f"Debian/Ubuntu package {lib.debian}" in result.stderr
    runtime = " ".join(system_packages("runtime"))
    assert f"apt-get install {runtime}\n" in result.stderr
    assert f"brew install {' '.join(system_packages('brew'))}\n" in result.stderr
    others = {other.key for other in preflight.LIBRARIES} - {library}
    assert not any(f"missing library  {other}:" in result.stderr for other in others)


def test_missing_arabic_fonts_are_named_with_their_packages():
    result = run_preflight("--arabic-font", "Tandem Absent Arabic")

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "missing font     an Arabic font: Tandem Absent Arabic" in result.stderr
    assert "fonts-noto-core or fonts-dejavu-core" in result.stderr
    assert "missing library" not in result.stderr


def test_scripts_test_stops_before_pytest_when_a_library_is_missing():
    """Does `scripts/test` on a machine without HarfBuzz-subset say so, instead of a
    collection error?"""
    result = subprocess.run(
        [str(ROOT / "scripts" / "test"), "-q", "--co", "tests/test_preflight.py"],
        capture_output=True,
        text=True,
        env={**os.environ, "TANDEM_PREFLIGHT_LIBRARIES": _bogus("harfbuzz-subset")},
        timeout=300,
    )

    assert result.returncode == 1
    assert "missing library  harfbuzz-subset" in result.stderr
    assert "apt-get install" in result.stderr
    assert "Traceback" not in result.stderr
    assert "test_preflight.py::" not in result.stdout  # pytest never ran


def test_scripts_demo_stops_before_migrating_when_a_library_is_missing():
    result = subprocess.run(
        [str(ROOT / "scripts" / "demo")],
        capture_output=True,
        text=True,
        env={**os.environ, "TANDEM_PREFLIGHT_LIBRARIES": _bogus("pango")},
        timeout=300,
    )

    assert result.returncode == 1
    assert "missing library  pango" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Migrating" not in result.stdout


def test_preflight_checks_every_library_weasyprint_requires_under_its_own_names():
    """A WeasyPrint upgrade that renames or adds a library fails here, not on a new laptop."""
    spec = importlib.util.find_spec("weasyprint")
    ffi = Path(spec.origin).parent / "text" / "ffi.py"
    required = {}
    for node in ast.walk(ast.parse(ffi.read_text())):
        if not (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and getattr(node.value.func, "id", None) == "_dlopen"
        ):
            continue
        target = node.targets[0].id.replace("_", "-")
        optional = any(
            kw.arg == "allow_fail" and getattr(kw.value, "value", False)
            for kw in node.value.keywords
        )
        # harfbuzz-subset is optional to WeasyPrint but warns when absent: an error here.
        if optional and target != "harfbuzz-subset":
            continue
        required[target] = tuple(arg.value for arg in node.value.args[1:])

    assert required == {lib.key: lib.names for lib in preflight.LIBRARIES}


def test_system_packages_prints_its_groups_and_runtime_is_complete():
    runtime = system_packages("runtime")

    assert {"libharfbuzz-subset0", "fonts-noto-core", "fonts-dejavu-core"} <= set(runtime)
    # gobject's libglib2.0-0 comes with libpango-1.0-0 (and is libglib2.0-0t64 on trixie).
    assert {lib.debian for lib in preflight.LIBRARIES} - {"libglib2.0-0"} <= set(runtime)
    assert system_packages("test") == ["chromium", "poppler-utils", "gir1.2-ical-3.0", "python3-gi"]
    assert system_packages("ci") == ["postgresql", "redis-server"]
    assert system_packages() == runtime + system_packages("test") + system_packages("ci")
    assert system_packages("brew")[0] == "pango"
    unknown = subprocess.run([str(SYSTEM_PACKAGES), "nope"], capture_output=True, text=True)
    assert unknown.returncode == 2 and "unknown group" in unknown.stderr


def test_readme_ci_and_dockerfile_install_the_one_list():
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    ci = (ROOT / ".ci" / "run").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert "sudo apt-get install $(scripts/system-packages runtime)" in quick_start
    assert "brew install $(scripts/system-packages brew)" in quick_start
    # The README's sample of the preflight's message shows the list as it is.
    assert f"sudo apt-get install {' '.join(system_packages('runtime'))}\n" in quick_start
    assert "scripts/system-packages runtime test ci" in ci
    assert "scripts/preflight.py --check-list" in ci
    assert "scripts/system-packages runtime" in dockerfile
    assert "scripts/preflight.py" in dockerfile
    for text in (quick_start.split("```")[0], ci, dockerfile):
        assert "libpango" not in text, "name the packages in scripts/system-packages only"


def test_system_packages_is_executable_bash_with_strict_mode():
    text = SYSTEM_PACKAGES.read_text()

    assert SYSTEM_PACKAGES.stat().st_mode & 0o111
    assert text.startswith("#!/usr/bin/env bash")
    assert "set -euo pipefail" in text


# --- --check-list: the list alone gives WeasyPrint what it loads (Debian / Ubuntu) ---------

needs_dpkg = pytest.mark.skipif(not shutil.which("dpkg-query"), reason="needs Debian's dpkg")


def _all_installed(packages: list[str]) -> bool:
    status = subprocess.run(
        ["dpkg-query", "-W", "-f=${db:Status-Abbrev}\n", *packages],
        capture_output=True,
        text=True,
    )
    return status.returncode == 0 and all(
        s.startswith("ii") for s in status.stdout.split("\n")[:-1]
    )


@needs_dpkg
def test_check_list_passes_when_the_runtime_list_is_installed():
    if not _all_installed(system_packages("runtime")):
        pytest.skip("install `scripts/system-packages runtime` first (CI does)")

    result = run_preflight("--check-list")

    assert result.returncode == 0, result.stderr
    assert "all from the runtime list" in result.stdout


@needs_dpkg
def test_check_list_fails_when_the_list_leaves_out_a_library_another_package_brought_in():
    """The bug this guards: chromium pulled libharfbuzz-subset0 in, so CI passed with a
    README list that lacked it."""
    short = [p for p in system_packages("runtime") if p != "libharfbuzz-subset0"]
    if not _all_installed(system_packages("runtime")):
        pytest.skip("install `scripts/system-packages runtime` first (CI does)")
    if "libharfbuzz-subset0" in preflight.dependency_closure(short):
        pytest.skip("here another package of the list depends on libharfbuzz-subset0")

    result = run_preflight("--check-list", "--runtime-packages", " ".join(short))

    assert result.returncode == 1
    assert "harfbuzz-subset" in result.stderr
    assert "add libharfbuzz-subset0" in result.stderr
    assert "Traceback" not in result.stderr
