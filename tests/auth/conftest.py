"""Account tests use the shared fixtures of ``tests/conftest.py`` as they are.

(The root ``db_app`` fixture gives every request an empty ``g``, as production does, so
no cached user, locale or tenant carries from one request, or one client, to the next.)
"""
