"""Account mail: look the address up, file the email, deliver it, all off the request.

Running this in the background is what makes "forgot password" and "email me a sign-in
link" answer in the same time whether or not the address has an account.
"""

from __future__ import annotations

from saas.services import accounts
from worker.runtime import job_context


def prepare_account_link(kind: str, email: str, next_path: str | None = None) -> None:

    with job_context():
        accounts.prepare_account_link(kind, email, next_path)
