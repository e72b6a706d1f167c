"""Settings pages.  ``views`` holds the blueprint; ``notifications`` adds its routes to it."""

from saas.web.settings import notifications  # noqa: F401  (registers its routes on the blueprint)
