"""The demo agency that ``flask --app saas demo`` loads.

Northwind Social looks after Qamar Coffee (Arabic) and Atlas Outdoor (English): goals with
check-ins, audiences, a plan in review and an approved one, reports and a share link, all
made through the services and the job path that people use.

* ``saas.demo.content``: the people, brands, goals, plans and review notes (data);
* ``saas.demo.loader``: ``load_demo()``, one idempotent step at a time;
* ``saas.demo.summary``: what the command prints;
* ``saas.demo.png``: the logos, drawn in code.

Only the data is imported here, so ``saas.cli`` can name the logins without loading the
services; the command imports the loader when it runs.
"""

from saas.demo.content import (
    DEMO_AGENCY_NAME,
    DEMO_AGENCY_SLUG,
    DEMO_BRANDS,
    DEMO_PASSWORD,
    DEMO_USERS,
    DemoBrand,
    DemoUser,
)

__all__ = [
    "DEMO_AGENCY_NAME",
    "DEMO_AGENCY_SLUG",
    "DEMO_BRANDS",
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "DemoBrand",
    "DemoUser",
]
