"""Do the docs say what the code does?  README's settings, the permission table, the demo."""

from __future__ import annotations

import re
from pathlib import Path

from saas.cli import DEMO_PASSWORD, DEMO_USERS
from saas.permissions import DESCRIPTIONS, MATRIX
from tenants.models import Role

ROOT = Path(__file__).resolve().parent.parent
ROLE_COLUMNS = (
    (Role.OWNER, "Owner"),
    (Role.CONSULTANT, "Consultant"),
    (Role.CLIENT_LEADER, "Client leader"),
    (Role.CLIENT_TEAM, "Client team"),
)
START, END = "<!-- permissions:start -->", "<!-- permissions:end -->"


def render_permissions_table() -> str:
    """docs/PERMISSIONS.md's table, from ``saas.permissions``.

    Regenerate with ``.venv/bin/python -m tests.test_docs`` and paste between the markers.
    """
    head = "| Permission | What it allows | " + " | ".join(n for _, n in ROLE_COLUMNS) + " |"
    rule = "|---|---|" + "---|" * len(ROLE_COLUMNS)
    rows = [
        f"| `{perm}` | {DESCRIPTIONS[perm]} | "
        + " | ".join("yes" if role in roles else "—" for role, _ in ROLE_COLUMNS)
        + " |"
        for perm, roles in MATRIX.items()
    ]
    return "\n".join([head, rule, *rows])


def _read(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def config_variables() -> list[str]:
    source = _read("saas/config.py")
    return sorted(set(re.findall(r"""e\.get\(\s*["']([A-Z0-9_]+)["']""", source)))


def test_readme_documents_every_environment_variable_read_in_config():
    names = config_variables()
    readme = _read("README.md")

    assert len(names) >= 15, names  # the parser still finds them
    missing = [name for name in names if f"`{name}`" not in readme]
    assert missing == [], f"add these to README's configuration table: {missing}"


def test_permissions_doc_table_matches_the_matrix():
    doc = _read("docs/PERMISSIONS.md")
    assert START in doc and END in doc
    table = doc.split(START, 1)[1].split(END, 1)[0].strip()

    assert table == render_permissions_table(), (
        "docs/PERMISSIONS.md is out of date: run `.venv/bin/python -m tests.test_docs`"
    )


def test_permissions_doc_rows_name_exactly_the_roles_the_matrix_allows():
    """Read the table back as a person would: one row per permission, a 'yes' per role."""
    doc = _read("docs/PERMISSIONS.md")
    found: dict[str, set[Role]] = {}
    for line in doc.splitlines():
        match = re.match(r"^\|\s*`([a-z_.]+)`\s*\|[^|]*\|(.*)\|\s*$", line)
        if match:
            cells = [c.strip() for c in match.group(2).split("|")]
            found[match.group(1)] = {
                role for (role, _), cell in zip(ROLE_COLUMNS, cells, strict=True) if cell == "yes"
            }
    assert found == {perm: set(roles) for perm, roles in MATRIX.items()}


def test_readme_quick_start_is_the_two_scripts_and_lists_the_demo_logins():
    readme = _read("README.md")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^(scripts/\S+)\s*$", quick_start, flags=re.MULTILINE)

    assert commands == ["scripts/demo", "scripts/test"]
    assert DEMO_PASSWORD in readme
    for user in DEMO_USERS:
        assert user.email in readme


def test_docs_exist_and_changelog_has_an_unreleased_section():
    for name in ("docs/ARCHITECTURE.md", "docs/SECURITY.md", "docs/PERMISSIONS.md"):
        assert len(_read(name)) > 1000, name
    assert re.search(r"^## \[?Unreleased\]?", _read("CHANGELOG.md"), flags=re.MULTILINE)


def test_security_doc_states_the_password_hashing_parameters_in_use():
    from saas.services.passwords import _hasher

    doc = _read("docs/SECURITY.md")

    assert f"{_hasher.memory_cost // 1024} MiB" in doc
    assert f"time cost {_hasher.time_cost}" in doc
    assert f"parallelism {_hasher.parallelism}" in doc


if __name__ == "__main__":
    print(render_permissions_table())
