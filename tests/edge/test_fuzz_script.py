"""``scripts/fuzz-api`` (``tests.edge.fuzz``) serves a seeded app and hands schemathesis the
right command and config; our cross-agency check (``tests.edge.fuzz_checks``) fails a leaking
endpoint.  The fuzz itself runs in CI's own stage, not here.

The script runs in a subprocess: it builds an app of its own, and extensions such as the
rate limiter are process-wide objects that a second ``init_app`` would reconfigure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import tomllib
from pathlib import Path

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")

# Stands in for schemathesis: reads the config it was given, checks the served document and
# that both agencies' tokens work (and are two agencies), records its argv and the config.
STAND_IN = """\
import json, sys, tomllib, urllib.request
argv = sys.argv[1:]
config = tomllib.load(open(argv[argv.index("--config-file") + 1], "rb"))
url = argv[argv.index("run") + 1]
with urllib.request.urlopen(url) as resp:
    assert json.load(resp)["openapi"].startswith("3.1")
users = json.load(open(config["auth"]["wfc"]["path"]))["auth"]
agencies = set()
for user in users:
    header = user["fixedHeaders"][0]
    me = urllib.request.Request(
        url.replace("/openapi.json", "/me"), headers={header["name"]: header["value"]}
    )
    with urllib.request.urlopen(me) as resp:
        body = json.load(resp)
        assert body["role"] == "owner", body
        agencies.add(body["agency"]["id"])
assert len(agencies) == len(users) == 2, agencies
with open(sys.argv[0] + ".calls", "a") as out:
    names = [u["name"] for u in users]
    out.write(json.dumps({"argv": argv, "config": config, "users": names}) + "\\n")
sys.exit(int(open(sys.argv[0] + ".status").read()))
"""


def _run(tmp_path: Path, status: int, *args: str) -> tuple[int, list[dict]]:
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


def _option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def test_fuzz_script_runs_every_check_and_the_stateful_phase_with_two_agencies(tmp_path):
    status, (fuzz, stateful, revoke) = _run(tmp_path, 0, "--max-time", "20", "--seed", "3")

    assert status == 0
    # No --checks: every check runs, and the config's per-operation exceptions still apply
    # (a --checks on the command line would override them).
    assert "--checks" not in fuzz["argv"]
    assert _option(fuzz["argv"], "--phases") == "examples,coverage,fuzzing"
    assert _option(stateful["argv"], "--phases") == "stateful"
    assert [_option(c["argv"], "--seed") for c in (fuzz, stateful)] == ["3", "3"]
    assert [_option(c["argv"], "--max-time") for c in (fuzz, stateful)] == ["14", "6"]
    assert "--exclude-operation-id" in fuzz["argv"]
    assert "--include-operation-id" in revoke["argv"]

    config = fuzz["config"]
    assert fuzz["users"] == ["alpha", "bravo"]
    assert config["auth"]["wfc"]["user"] == "alpha"
    assert config["auth"]["wfc"]["peers"] == ["alpha", "bravo"]
    assert config["phases"]["stateful"]["enabled"] is True
    # Each exception names one operation and turns off one check, never all of them.
    for operation in config["operations"]:
        selector = operation.get("include-operation-id") or operation["include-path-regex"]
        assert isinstance(selector, str) and selector
        assert all(c["enabled"] is False for c in operation["checks"].values())
        assert len(operation["checks"]) < 3


def test_fuzz_script_fails_when_schemathesis_fails(tmp_path):
    status, _calls = _run(tmp_path, 1, "--max-time", "5")
    assert status == 1


# --- The cross-agency check against a tiny API of its own ---------------------------------

OWNER, PEER = "Bearer owner-token", "Bearer peer-token"
DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "leak", "version": "1"},
    "paths": {
        "/things/{thing_id}": {
            "get": {
                "operationId": "get_thing",
                "security": [{"bearerAuth": []}],
                "parameters": [
                    {
                        "name": "thing_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 3},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["id"],
                                    "properties": {"id": {"type": "integer"}},
                                }
                            }
                        },
                    },
                    "401": {"description": "no token"},
                    "404": {"description": "not found"},
                },
            }
        }
    },
    "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
}


PEER_READS: list[str] = []


def _api(*, leaks: bool):
    """The owner reads thing 1 to 3; the peer gets them too when ``leaks``, else 404."""

    @Request.application
    def app(request: Request) -> Response:
        if request.path == "/openapi.json":
            return Response(json.dumps(DOCUMENT), content_type="application/json")
        token = request.headers.get("Authorization")
        if token == PEER:
            PEER_READS.append(request.path)
        if token not in (OWNER, PEER):
            return Response("{}", status=401, content_type="application/json")
        thing = request.path.rsplit("/", 1)[-1]
        if not thing.isdigit() or not 1 <= int(thing) <= 3 or (token == PEER and not leaks):
            return Response("{}", status=404, content_type="application/json")
        return Response(json.dumps({"id": int(thing)}), content_type="application/json")

    return app


def _schemathesis_against(
    tmp_path: Path, *, leaks: bool, checks: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    server = make_server("127.0.0.1", 0, _api(leaks=leaks))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.edge.fuzz_checks",
        "PYTHONPATH": str(ROOT),
        "TANDEM_FUZZ_OWNER_AUTH": OWNER,
        "TANDEM_FUZZ_PEER_AUTH": PEER,
    }
    try:
        return subprocess.run(
            [
                str(SCHEMATHESIS),
                "run",
                f"http://127.0.0.1:{server.server_port}/openapi.json",
                "--url",
                f"http://127.0.0.1:{server.server_port}",
                *checks,
                "--phases",
                "examples,fuzzing",
                "--mode",
                "positive",
                "--max-examples",
                "5",
                "--seed",
                "1",
                "--header",
                f"Authorization: {OWNER}",
                "--generation-database",
                "none",
                "--no-color",
            ],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_the_cross_agency_check_fails_an_endpoint_that_answers_the_other_agency(tmp_path):
    # No --checks, as scripts/fuzz-api runs it: the hook's check is on by default.
    done = _schemathesis_against(tmp_path, leaks=True)

    assert done.returncode == 1, done.stdout + done.stderr
    assert "Another agency's token got 200 (not 404)" in done.stdout, done.stdout


def test_the_cross_agency_check_passes_an_endpoint_that_answers_404(tmp_path):
    PEER_READS.clear()
    done = _schemathesis_against(tmp_path, leaks=False, checks=("--checks", "cross_agency_read"))

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Another agency's token" not in done.stdout
    # The check did replay the owner's reads with the other token (and got 404s).
    assert PEER_READS and all(p.startswith("/things/") for p in PEER_READS), PEER_READS


def test_the_config_the_script_writes_is_valid_toml(tmp_path):
    from tests.edge.fuzz import write_config

    config = tomllib.loads(write_config(tmp_path, {"alpha": "a", "bravo": "b"}).read_text())
    assert config["auth"]["wfc"]["peers"] == ["alpha", "bravo"]
    users = json.loads((tmp_path / "auth.json").read_text())["auth"]
    assert [u["fixedHeaders"][0]["value"] for u in users] == ["Bearer a", "Bearer b"]
