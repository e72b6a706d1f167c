"""Settings pages.  ``views`` holds the blueprint; ``notifications`` adds its routes to it."""

from saas.web.settings import (
    account,  # noqa: F401  (two-factor sign-in, email change, leave, delete, transfer)
    agency_deletion,  # noqa: F401  (delete the agency after a grace period)
    calendar_feed,  # noqa: F401  (the personal calendar feed page)
    exports,  # noqa: F401  (export the agency's data)
    notifications,  # noqa: F401  (registers its routes on the blueprint)
)
