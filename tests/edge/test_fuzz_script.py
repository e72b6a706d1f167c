"""``scripts/fuzz-api`` (``tests.edge.fuzz``) serves a seeded app and hands schemathesis the
right command; the fuzz itself runs in CI's own stage, not here.

Run in a subprocess: the script builds an app of its own, and extensions such as the rate
limiter are process-wide objects that a second ``init_app`` would reconfigure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Stands in for schemathesis: checks the served document and the token, records its argv.
STAND_IN = """\
import json, sys, urllib.request
url = sys.argv[2]
token = next(a for a in sys.argv if a.startswith("Authorization: Bearer "))
with urllib.request.urlopen(url) as resp:
    assert json.load(resp)["openapi"].startswith("3.1")
me = urllib.request.Request(
    url.replace("/openapi.json", "/me"), headers={"Authorization": token.split(": ", 1)[1]}
)
with urllib.request.urlopen(me) as resp:
    assert json.load(resp)["role"] == "owner"
with open(sys.argv[0] + ".calls", "a") as out:
    out.write(json.dumps(sys.argv[1:]) + "\\n")
sys.exit(int(open(sys.argv[0] + ".status").read()))
"""


def _run(tmp_path: Path, status: int, *args: str) -> tuple[int, list[list[str]]]:
    stand_in = tmp_path / "schemathesis"
    stand_in.write_text(f"#!{sys.executable}\n{STAND_IN}")
    stand_in.chmod(0o755)
    Path(f"{stand_in}.status").write_text(str(status))
    env = {**os.environ, "TANDEM_SCHEMATHESIS": str(stand_in)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.edge.fuzz", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    calls_file = Path(f"{stand_in}.calls")
    calls = (
        [json.loads(line) for line in calls_file.read_text().splitlines()]
        if calls_file.exists()
        else []
    )
    assert calls, done.stdout + done.stderr
    return done.returncode, calls


def test_fuzz_script_serves_the_document_with_a_working_token(tmp_path):
    status, (main_pass, revoke_pass) = _run(tmp_path, 0, "--max-time", "5", "--seed", "3")

    assert status == 0
    assert "not_a_server_error" in main_pass[main_pass.index("--checks") + 1]
    assert main_pass[main_pass.index("--seed") + 1] == "3"
    assert main_pass[main_pass.index("--max-time") + 1] == "5"
    assert "--exclude-operation-id" in main_pass
    assert "--include-operation-id" in revoke_pass


def test_fuzz_script_fails_when_schemathesis_fails(tmp_path):
    status, _calls = _run(tmp_path, 1, "--max-time", "5")
    assert status == 1
