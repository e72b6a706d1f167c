"""Our own schemathesis check, loaded by ``scripts/fuzz-api`` through ``SCHEMATHESIS_HOOKS``.

``cross_agency_read``: every successful GET of an object (an operation with path
parameters) that the fuzzer sent as Alpha's owner is sent again, unchanged but for the
token, as Bravo's owner, and must answer 404.  Tandem's rule is that another agency's
object is simply not found (docs/ARCHITECTURE.md, "404, not 403").

schemathesis' own ``object_level_authorization`` (with both agencies as WFC peers) also
runs; it only probes ids whose ownership it could prove from earlier responses and only
flags a peer that gets an *equivalent* body.  This one is blunter and deterministic: any
answer but 404 to the other agency fails, a 403 (existence leaked) as much as a 200.

Tokens come from the environment the runner sets (``TANDEM_FUZZ_OWNER_AUTH``,
``TANDEM_FUZZ_PEER_AUTH``: whole ``Authorization`` header values).
"""

from __future__ import annotations

import os

import requests
import schemathesis

OWNER_ENV = "TANDEM_FUZZ_OWNER_AUTH"
PEER_ENV = "TANDEM_FUZZ_PEER_AUTH"

_session = requests.Session()


class CrossAgencyRead(AssertionError):
    """Another agency's token read (or learnt of) an object of this one."""


@schemathesis.check
def cross_agency_read(ctx, response, case) -> bool | None:  # type: ignore[no-untyped-def]
    owner, peer = os.environ.get(OWNER_ENV), os.environ.get(PEER_ENV)
    request = response.request
    if (
        not owner
        or not peer
        or case.method.upper() != "GET"
        or not case.operation.path_parameters
        or not 200 <= response.status_code < 300
        or request.headers.get("Authorization") != owner
    ):
        return None
    replay = request.copy()
    replay.headers["Authorization"] = peer
    answer = _session.send(replay, timeout=30, allow_redirects=False)
    if answer.status_code != 404:
        raise CrossAgencyRead(
            f"Another agency's token got {answer.status_code} (not 404) for "
            f"`{case.method.upper()} {request.path_url}`, which the owner's agency read with "
            f"{response.status_code}"
        )
    return True
