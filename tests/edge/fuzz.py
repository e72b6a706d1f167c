"""Schema-driven fuzz of the API: schemathesis against our own ``/api/v1/openapi.json``.

``scripts/fuzz-api`` runs this.  It starts the app on a fresh database (a temporary SQLite
file, or a new PostgreSQL database next to the one ``DATABASE_URL`` names, dropped after),
gives two agencies, Alpha and Bravo, the same data in every entity family (``seed``), serves
it on a free local port and runs ``schemathesis run`` with a config of its own
(``write_config``): every check, ours included (``tests.edge.fuzz_checks``: Bravo's token
must get 404 for what Alpha reads), Alpha's owner fuzzing and Bravo's as its WFC peer for
``object_level_authorization``, and per-operation exceptions only where a check disagrees
with a documented choice (``BY_DESIGN``).  Three passes share a fixed seed: examples,
coverage and fuzzing; the stateful phase (links inferred from the document); a short one for
DELETE /tokens.  Any failure fails the run (exit status 1).

Why a script and not a test: it needs a real HTTP server and minutes of budget, and CI gives
it a stage of its own (``.ci/run``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from saas.api.openapi import build_document
from tests.edge import fuzz_checks

ROOT = Path(__file__).resolve().parents[2]
# No ``--checks``: every schemathesis check and ours (tests/edge/fuzz_checks.py) is on by
# default, and the config's per-operation exceptions apply (``--checks all`` on the command
# line would override them).  ``--checks LIST`` narrows a local run.
DEFAULT_CHECKS = None


@contextmanager
def fresh_database(tmp: Path) -> Iterator[str]:
    """A new, empty database URL for this run; PostgreSQL's is dropped afterwards."""
    from saas.config import normalise_database_url

    base = os.environ.get("DATABASE_URL")
    if not base or base.startswith("sqlite"):
        yield f"sqlite:///{tmp / 'fuzz.db'}"
        return
    url = make_url(normalise_database_url(base))
    name = f"tandem_fuzz_{secrets.token_hex(4)}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def build_app(database_url: str, tmp: Path):  # type: ignore[no-untyped-def]
    from flask_migrate import upgrade

    from saas import create_app

    redis_url = os.environ.get("REDIS_URL") or None
    app = create_app(
        {
            "SECRET_KEY": "fuzz-" + secrets.token_hex(8),
            "SQLALCHEMY_DATABASE_URI": database_url,
            # With Redis, jobs wait in a queue of their own that no worker reads: the API's
            # answers are what is tested, not the PDFs.  Without it, a thread renders them.
            "JOBS_MODE": "redis" if redis_url else "thread",
            "REDIS_URL": redis_url,
            "QUEUE_NAME": f"tandem-fuzz-{secrets.token_hex(4)}",
            "RATELIMIT_ENABLED": False,  # limits are tested elsewhere; here they hide paths
            "RATELIMIT_STORAGE_URI": "memory://",
            "UPLOAD_DIR": str(tmp / "uploads"),
            "REPORTS_DIR": str(tmp / "reports"),
            "BASE_URL": "http://127.0.0.1",
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


@dataclass
class Seeded:
    """What the fuzz runs with: both agencies' owner tokens (Alpha fuzzes, Bravo is its
    peer) and, per agency, the ids of what the API made for it."""

    tokens: dict[str, str]
    ids: dict[str, dict[str, int]]


def seed(app) -> Seeded:  # type: ignore[no-untyped-def]
    """Two agencies as peers with the same data in every entity family: planning (brands,
    goals and check-ins, audiences, plans, an open review), capability (skills, team
    members, assessments, learning budget and items), strategy sessions (agenda, decisions,
    minutes, action items), reports and exports.  Made through the API itself, as each
    agency's owner, so the data is what a client would have made."""
    from tests.factories import planning_data, world

    with app.app_context():
        worlds = {"alpha": world("Alpha"), "bravo": world("Bravo")}
        plans = {}
        for w in worlds.values():
            plans[w.agency.name] = planning_data(
                w.agency, w.brand, goals=3, campaigns=3, calendar=5
            ).id
            planning_data(w.agency, w.other_brand, goals=1, campaigns=1, calendar=1)
            planning_data(w.agency, w.brand, goals=1, campaigns=1, calendar=1, status="draft")
        shapes = {
            name: (w.agency.id, w.tokens["owner"], w.brand.id, plans[w.agency.name], w.owner.id)
            for name, w in worlds.items()
        }
    tokens, ids = {}, {}
    for name, shape in shapes.items():
        tokens[name] = shape[1]
        ids[name] = _seed_through_api(app, *shape)
    return Seeded(tokens=tokens, ids=ids)


def _seed_through_api(app, agency_id: int, token: str, brand_id: int, plan_id: int, owner_id: int):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from saas.extensions import db
    from saas.models import StrategySession
    from tenants.context import tenant_scope
    from tenants.models import utcnow

    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def move_back(session_id: int) -> None:
        with app.app_context(), tenant_scope(agency_id):
            db.session.get(StrategySession, session_id).starts_at = utcnow() - timedelta(hours=2)
            db.session.commit()

    def call(method: str, path: str, body: dict | None = None, status: int = 201) -> dict:
        resp = client.open(f"/api/v1{path}", method=method, json=body, headers=headers)
        if resp.status_code != status:
            raise SystemExit(
                f"fuzz seed: {method} {path} answered {resp.status_code}, not {status}: "
                f"{resp.get_data(as_text=True)[:500]}"
            )
        return resp.get_json() or {}

    b = f"/brands/{brand_id}"
    ids: dict[str, int] = {"brand": brand_id, "plan": plan_id}
    ids["review"] = call("POST", f"/plans/{plan_id}/reviews")["id"]
    goal = call("GET", f"{b}/goals", status=200)["data"][0]["id"]
    ids["goal"] = goal
    call("POST", f"/goals/{goal}/checkins", {"date": "2026-11-02", "value": 120})
    # Capability
    ids["skill"] = call(
        "POST", "/skills", {"key": "fuzz_seed", "name_en": "Fuzz seed", "name_ar": "بذرة"}
    )["id"]
    member = call("POST", f"{b}/team", {"name": "Seed Member"})["id"]
    ids["team_member"] = member
    call("POST", f"{b}/team", {"name": "Seed Owner", "user_id": owner_id})
    ids["assessment"] = call(
        "POST", f"{b}/assessments", {"member_id": member, "skill": "fuzz_seed", "rating": 2}
    )["id"]
    call("PUT", f"{b}/learning-budget", {"hours_per_person_per_month": 4}, status=200)
    ids["learning_item"] = call(
        "POST",
        f"{b}/learning-items",
        {
            "member_id": member,
            "title": "Seed course",
            "skill": "fuzz_seed",
            "format": "course",
            "due_on": "2027-03-01",
            "hours": 3,
        },
    )["id"]
    # Strategy sessions: one upcoming (its agenda), one held (minutes, decisions, actions);
    # the API schedules only in the future, so the held one is moved back afterwards.
    upcoming, held = (
        call(
            "POST",
            f"{b}/sessions",
            {
                "title": title,
                "kind": "quarterly_business_review",
                "starts_at": "2027-03-11T10:00",
                "timezone": "Asia/Riyadh",
                "duration_minutes": 60,
            },
        )["id"]
        for title in ("Seed review", "Seed workshop")
    )
    ids["session"] = upcoming
    ids["agenda_item"] = call(
        "POST", f"/sessions/{upcoming}/agenda/items", {"title": "Seed topic", "minutes": 10}
    )["id"]
    move_back(held)
    ids["held_session"] = held
    ids["decision"] = call(
        "POST", f"/sessions/{held}/decisions", {"text": "Seed decision", "goal_id": goal}
    )["id"]
    ids["action_item"] = call("POST", f"/sessions/{held}/action-items", {"title": "Seed action"})[
        "id"
    ]
    call("PUT", f"/sessions/{held}/minutes", {"minutes": "Seed minutes"}, status=200)
    # Reports and exports
    ids["report"] = call(
        "POST",
        f"{b}/reports",
        {"locale": "en", "period_start": "2027-01-01", "period_end": "2027-03-31"},
        status=202,
    )["id"]
    ids["export"] = call("POST", "/exports", status=202)["id"]
    return ids


@contextmanager
def serve(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app over HTTP on a free local port, one request at a time (as the fuzzer sends)."""
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


# Revoking a token: the fuzzer would revoke its own (GET /tokens links to it) and spend the
# rest of the budget on 401s, so this operation gets a short pass of its own, last.
REVOKE = "delete_tokens_token_id"

# Checks switched off for one operation, each for a documented choice (docs/SECURITY.md,
# "API fuzz"): operation id → {check: why}.  Everything else runs every check.
_REFERENCE = (
    "ids the service checks against this agency's and brand's rows (the schema can state "
    "only their range): another one is a 422 naming the field"
)
_CROSS_FIELD = (
    "rules between fields or against stored state that JSON Schema cannot state (a target "
    "that differs from the baseline, an end after the start, a date not in the future, "
    "unique networks): a 422 naming the field"
)
# DELETE /brands/{id} archives the brand (200 with ``archived: true``; POST .../restore
# brings it back), so the brand and what is under it still read after its DELETE.
_ARCHIVED = "DELETE archives a brand: it and its data still read, and it can be restored"
_STRICT_INTEGERS = "integers are JSON integers: 291.0 is refused with a 422 like the string 291"
BY_DESIGN: dict[str, dict[str, str]] = {
    "patch_action_items_action_item_id": {"positive_data_acceptance": _REFERENCE},
    "post_sessions_session_id_action_items": {"positive_data_acceptance": _REFERENCE},
    "post_sessions_session_id_decisions": {"positive_data_acceptance": _REFERENCE},
    "patch_sessions_session_id_decisions_decision_id": {"positive_data_acceptance": _REFERENCE},
    "put_sessions_session_id_minutes": {"positive_data_acceptance": _REFERENCE},
    "post_brands_brand_id_team": {"positive_data_acceptance": _REFERENCE},
    "post_brands_brand_id_assessments": {"positive_data_acceptance": _REFERENCE},
    "post_brands_brand_id_learning_items": {"positive_data_acceptance": _REFERENCE},
    "patch_learning_items_learning_item_id": {"positive_data_acceptance": _REFERENCE},
    "post_reviews_review_id_comments": {"positive_data_acceptance": _REFERENCE},
    # Dismissing a finding needs a reason; accepting one does not.
    "post_reviews_review_id_findings_finding_id": {"positive_data_acceptance": _CROSS_FIELD},
    "post_brands_brand_id_reports": {"positive_data_acceptance": _CROSS_FIELD},
    "post_invitations": {"positive_data_acceptance": _REFERENCE},
    "post_brands_brand_id_goals": {"positive_data_acceptance": _CROSS_FIELD},
    "patch_goals_goal_id": {"positive_data_acceptance": _CROSS_FIELD},
    "post_goals_goal_id_checkins": {"positive_data_acceptance": _CROSS_FIELD},
    "post_brands_brand_id_audiences": {"positive_data_acceptance": _CROSS_FIELD},
    "patch_audiences_audience_id": {"positive_data_acceptance": _CROSS_FIELD},
    "post_brands_brand_id_plans": {"positive_data_acceptance": _CROSS_FIELD},
    "post_plans_plan_id_revisions": {"positive_data_acceptance": _CROSS_FIELD},
    "post_brands_brand_id_sessions": {"positive_data_acceptance": _CROSS_FIELD},
    "patch_sessions_session_id": {"positive_data_acceptance": _CROSS_FIELD},
    "patch_skills_skill_id": {"positive_data_acceptance": _CROSS_FIELD},
    "post_skills": {"positive_data_acceptance": _CROSS_FIELD},  # a key already taken
    # The window: `to` after `from`, at most 31 days, attendees as known emails.
    "get_brands_brand_id_sessions_suggestions": {"positive_data_acceptance": _CROSS_FIELD},
    # Strict numbers (docs/ARCHITECTURE.md): an integer field takes a JSON integer, and
    # ``291.0``, which JSON Schema counts as one, is a 422 like ``"291"``.
    "post_sessions_session_id_agenda_items": {"positive_data_acceptance": _STRICT_INTEGERS},
    "patch_sessions_session_id_agenda_items_agenda_item_id": {
        "positive_data_acceptance": _STRICT_INTEGERS
    },
    "put_sessions_session_id_agenda": {"positive_data_acceptance": _STRICT_INTEGERS},
    "post_plans_plan_id_transitions": {"positive_data_acceptance": _STRICT_INTEGERS},
    # A brand's time zone is one of zoneinfo's ~600 names and its website a web address
    # (``example.com`` gains ``https://``, which must still fit the column); the schema
    # states a string and its length.
    "post_brands": {"positive_data_acceptance": _CROSS_FIELD},
    "patch_brands_brand_id": {"positive_data_acceptance": _CROSS_FIELD},
    # email_validator's rules (a dot in the domain, no quoted local part) are stricter than
    # JSON Schema's ``email`` format; the schema states a string.
    "post_signup": {"positive_data_acceptance": _CROSS_FIELD},
    # Destructive actions confirmed by typing the name shown: only that exact name passes.
    "post_agency_deletion": {"positive_data_acceptance": _CROSS_FIELD},
    "post_brands_brand_id_removal": {"positive_data_acceptance": _CROSS_FIELD},
}


# The same, for every operation whose path matches (schemathesis' ``include-path-regex``).
BY_DESIGN_PATHS: dict[str, dict[str, str]] = {
    # The brand and everything under it (its goals, audiences, sessions...).
    r"/brands/\{brand_id\}": {"use_after_free": _ARCHIVED},
}


def _toml(value: object) -> str:
    """The few TOML values the config needs (strings, numbers, booleans, lists of them)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value))  # a JSON string is a TOML basic string


def _has_integer(node: object, definitions: dict[str, object], seen: frozenset[str]) -> bool:
    """Whether a JSON Schema (with ``$ref`` into ``components.schemas``) has an integer."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            return name not in seen and _has_integer(
                definitions.get(name), definitions, seen | {name}
            )
        kind = node.get("type")
        if kind == "integer" or (isinstance(kind, list) and "integer" in kind):
            return True
        return any(_has_integer(value, definitions, seen) for value in node.values())
    if isinstance(node, list):
        return any(_has_integer(value, definitions, seen) for value in node)
    return False


def strict_integer_operations(document: dict) -> list[str]:
    """Every operation taking an integer in its body: schemathesis may send a
    whole-number float there (``641.0``, an integer to JSON Schema), which the API refuses
    (strict numbers).  Derived from the document, so a new operation cannot make the run
    fail by the luck of what the generator drew."""
    definitions = document.get("components", {}).get("schemas", {})
    found = []
    for methods in document.get("paths", {}).values():
        for operation in methods.values():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            # Bodies only: a query string's "1.0" is never drawn for an integer parameter.
            if _has_integer(operation.get("requestBody", {}), definitions, frozenset()):
                found.append(operation["operationId"])
    return sorted(found)


def write_config(tmp: Path, tokens: dict[str, str], document: dict | None = None) -> Path:
    """``schemathesis.toml`` for the run: both agencies' owners as Web Fuzzing Commons users,
    Alpha fuzzing and Bravo its peer (``object_level_authorization``), the stateful phase
    with inferred links, and the per-operation exceptions of ``BY_DESIGN``."""
    auth = tmp / "auth.json"
    auth.write_text(
        json.dumps(
            {
                "auth": [
                    {
                        "name": name,
                        "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {token}"}],
                    }
                    for name, token in tokens.items()
                ]
            }
        )
    )
    lines = [
        "[auth.wfc]",
        f"path = {_toml(str(auth))}",
        f"user = {_toml(next(iter(tokens)))}",
        f"peers = {_toml(list(tokens))}",
        "",
        "[phases.stateful]",
        "enabled = true",
        "max-steps = 8",
        "[phases.stateful.inference]",
        'algorithms = ["location-headers", "dependency-analysis"]',
    ]
    by_design = {key: dict(checks) for key, checks in BY_DESIGN.items()}
    for key in strict_integer_operations(document or {}):
        by_design.setdefault(key, {}).setdefault("positive_data_acceptance", _STRICT_INTEGERS)
    exceptions = [("include-operation-id", key, checks) for key, checks in by_design.items()]
    exceptions += [("include-path-regex", key, checks) for key, checks in BY_DESIGN_PATHS.items()]
    for selector, key, checks in exceptions:
        lines += ["", "[[operations]]", f"{selector} = {_toml(key)}"]
        for check in checks:
            lines += [f"checks.{check}.enabled = false"]
    path = tmp / "schemathesis.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


@dataclass(frozen=True)
class Pass:
    """One ``schemathesis run``: its phases, operations and share of the time budget."""

    name: str
    phases: str
    share: float  # of --max-time; 0: a fixed REVOKE_SECONDS
    revoke: bool = False


# With one time budget the fuzzing phase repeats until it is spent and the stateful phase
# never starts, so each gets a pass and a share of its own.
PASSES = (
    Pass("fuzz", "examples,coverage,fuzzing", 0.7),
    Pass("stateful", "stateful", 0.3),
    Pass("revoke", "examples,coverage,fuzzing", 0, revoke=True),
)
REVOKE_SECONDS = 5


def schemathesis_command(base: str, config: Path, args: argparse.Namespace, run: Pass) -> list[str]:
    # TANDEM_SCHEMATHESIS: another executable (tests/edge/test_fuzz_script.py's stand-in).
    exe = os.environ.get("TANDEM_SCHEMATHESIS") or Path(sys.executable).with_name("schemathesis")
    command = [
        str(exe),
        "--config-file",
        str(config),
        "run",
        f"{base}/api/v1/openapi.json",
        *(["--checks", args.checks] if args.checks else []),
        "--phases",
        run.phases,
        "--seed",
        str(args.seed),
        "--max-examples",
        str(args.max_examples),
        "--workers",
        "1",
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        "--no-color",
    ]
    if run.revoke:
        command += ["--include-operation-id", REVOKE, "--max-time", str(REVOKE_SECONDS)]
    else:
        command += ["--exclude-operation-id", REVOKE]
        if args.max_time:
            command += ["--max-time", str(max(1, round(args.max_time * run.share)))]
    if args.report_dir:
        path = Path(args.report_dir).resolve() / f"{run.name}.xml"
        command += ["--report", "junit", "--report-junit-path", str(path)]
    return command + list(args.extra)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/fuzz-api", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--max-time",
        type=int,
        default=120,
        help="seconds for the fuzzing and stateful passes together (70%% and 30%%); 0: no limit",
    )
    parser.add_argument("--max-examples", type=int, default=50, help="per operation and phase")
    parser.add_argument("--seed", type=int, default=20260407)
    parser.add_argument("--checks", default=DEFAULT_CHECKS, help="default: every check")
    parser.add_argument("--report-dir", default=None, help="write JUnit reports here")
    parser.add_argument("extra", nargs="*", help="more schemathesis options, after --")
    args = parser.parse_args(argv)

    os.environ.setdefault("TANDEM_ENV", "development")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request is noise
    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # fuzzed text lacks glyphs
    with tempfile.TemporaryDirectory(prefix="tandem-fuzz-") as tmp_name:
        tmp = Path(tmp_name)
        with fresh_database(tmp) as database_url:
            app = build_app(database_url, tmp)
            seeded = seed(app)
            with app.app_context():
                document = build_document()
            config = write_config(tmp, seeded.tokens, document)
            env = {
                **os.environ,
                "SCHEMATHESIS_HOOKS": "tests.edge.fuzz_checks",
                "PYTHONPATH": os.pathsep.join(
                    p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p
                ),
                fuzz_checks.OWNER_ENV: f"Bearer {seeded.tokens['alpha']}",
                fuzz_checks.PEER_ENV: f"Bearer {seeded.tokens['bravo']}",
            }
            status = 0
            # In the temporary directory: schemathesis keeps a crash cache in its working
            # directory, which would make the next run replay this one's findings first.
            with serve(app) as base:
                for run in PASSES:
                    command = schemathesis_command(base, config, args, run)
                    print(f"==> {run.name}: " + " ".join(command), flush=True)
                    status = subprocess.call(command, cwd=tmp, env=env) or status
            cleanup(app)
    return status


def cleanup(app) -> None:  # type: ignore[no-untyped-def]
    """Close the database's connections (PostgreSQL's is dropped next) and empty the
    queue of our own that no worker reads."""
    from saas.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    queue = getattr(app.extensions.get("tandem_jobs"), "queue", None)
    if queue is not None:
        queue.delete(delete_jobs=True)


if __name__ == "__main__":
    sys.exit(main())
