"""Settings pages.  ``views`` holds the blueprint; ``notifications`` adds its routes to it."""

from saas.web.settings import (
    calendar_feed,  # noqa: F401  (the personal calendar feed page)
    notifications,  # noqa: F401  (registers its routes on the blueprint)
)
