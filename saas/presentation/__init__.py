"""Presentation code that neither the web views nor the services own: charts, labels, names.

The web blueprints, the report renderer and the worker all draw from here, so a service
never imports from ``saas.web``.
"""
