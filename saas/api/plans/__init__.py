"""API: social plans (``schemas``: bodies and responses; ``endpoints``: the routes).

Importing the package registers the routes; import names from the module that owns them.
"""

from saas.api.plans import endpoints  # noqa: F401  (registers the routes)
