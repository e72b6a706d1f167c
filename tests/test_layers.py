"""The layer contracts in .importlinter hold, and they would catch a wrong-way import.

The second test copies the packages to a temporary folder, adds one import against the
arrows (a service reaching into the web blueprints), and expects ``lint-imports`` to fail
naming it: a contract that cannot fail would be worse than none.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("saas", "tenants", "worker")

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed")


def _lint(where: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(where)}
    return subprocess.run(
        [str(LINT), "--no-cache", "--config", str(where / ".importlinter")],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _copy_tree(tmp_path: Path) -> Path:
    for name in PACKAGES:
        shutil.copytree(
            ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
        )
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def test_the_tree_keeps_every_contract(tmp_path):
    result = _lint(_copy_tree(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "wrong_import", "broken"),
    [
        ("saas/services/brands.py", "import saas.web.common", "saas.services.brands -> saas.web"),
        ("saas/domain/vocabulary.py", "import sqlalchemy", "saas.domain.vocabulary -> sqlalchemy"),
        ("tenants/context.py", "import saas.services.brands", "tenants.context -> saas.services"),
    ],
)
def test_a_wrong_way_import_breaks_the_contract(tmp_path, module, wrong_import, broken):
    tree = _copy_tree(tmp_path)
    target = tree / module
    target.write_text(target.read_text() + f"\n{wrong_import}  # deliberate\n")

    result = _lint(tree)

    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert broken in result.stdout.replace("\n", " ")
