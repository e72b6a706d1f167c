"""WTForms' own messages ("This field is required.") come in the reader's language, from a
catalogue parsed once per language rather than on every request (saas/web/forms.py)."""

from __future__ import annotations

from saas.extensions import db
from saas.models import User
from saas.web.forms import wtforms_translations


def _empty_profile_name(client) -> str:
    resp = client.post("/settings/profile", data={"name": "", "locale": ""})
    assert resp.status_code in (200, 422), resp.status_code  # the form again, with its errors
    return resp.get_data(as_text=True)


def test_a_required_field_is_named_in_each_readers_language(alpha, login_as, client):
    wtforms_translations.cache_clear()
    login_as(alpha.owner)
    assert "This field is required." in _empty_profile_name(client)
    assert wtforms_translations.cache_info().misses == 1  # the forms read it from here

    user = db.session.get(User, alpha.owner.user_id)
    user.locale = "ar"
    db.session.commit()
    arabic = _empty_profile_name(client)
    assert "هذا الحقل مطلوب." in arabic and "This field is required." not in arabic

    loaded = wtforms_translations.cache_info().misses
    assert loaded == 2
    for _ in range(3):
        _empty_profile_name(client)
        client.get("/settings/profile")
    assert wtforms_translations.cache_info().misses == loaded  # parsed once per language
