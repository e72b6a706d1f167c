"""Is every API response what the OpenAPI document says, by construction (issue 9)?

``@endpoint`` serialises a view's result through its declared response model, derives the
standard error responses from the declaration, and list endpoints share one page shape.
"""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from saas.api import base
from saas.api.base import OPERATIONS, Page, PageMeta, api_bp, endpoint, standard_errors


def _document(client):
    return client.get("/api/v1/openapi.json").get_json()


def test_every_json_response_is_declared_as_a_model(db_app):
    """A raw JSON-schema dict would let the body drift from the document unchecked."""
    loose = [
        (op.method, op.path)
        for op in OPERATIONS
        if op.status != 204
        and not (isinstance(op.response, type) and issubclass(op.response, BaseModel))
        and "content" not in (op.response or {})  # a non-JSON body, e.g. the report's PDF
    ]
    assert loose == []


def test_every_list_answers_one_page_shape(db_app):
    pages = [op for op in OPERATIONS if any(q["name"] == "page" for q in op.query)]
    assert len(pages) >= 8
    for op in pages:
        assert isinstance(op.response, type) and issubclass(op.response, Page), op.path
        assert op.response.model_fields["meta"].annotation is PageMeta, op.path


def test_list_schemas_keep_their_names_and_share_one_meta(client):
    schemas = _document(client)["components"]["schemas"]
    for name in ("BrandPage", "GoalPage", "CheckinPage", "AudiencePage", "PlanPage",
                 "ReviewPage", "ReportPage", "TokenPage", "MemberPage"):  # fmt: skip
        assert schemas[name]["properties"]["meta"] == {"$ref": "#/components/schemas/PageMeta"}


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ({"rule": "/me", "auth": True, "permission": None, "body": False, "query": False},
         {400, 401}),
        ({"rule": "/brands", "auth": True, "permission": "brand.view", "body": False,
          "query": True}, {400, 401, 403}),
        ({"rule": "/brands/<int:brand_id>", "auth": True, "permission": "brand.edit",
          "body": True, "query": False}, {400, 401, 403, 404, 415, 422}),
        ({"rule": "/signup", "auth": False, "permission": None, "body": True, "query": False},
         {400, 415, 422}),
    ],
)  # fmt: skip
def test_standard_errors_follow_from_the_declaration(shape, expected):
    rule = shape.pop("rule")
    assert standard_errors(rule, **shape) == expected


def test_the_document_lists_derived_and_extra_errors(client):
    paths = _document(client)["paths"]
    create = paths["/brands/{brand_id}/plans"]["post"]["responses"]
    assert {"400", "401", "403", "404", "409", "415", "422"} <= set(create)
    accept = paths["/invitations/{token}/accept"]["post"]["responses"]
    assert {"400", "401", "404", "409", "410", "415", "422", "429"} <= set(accept)
    assert "401" not in paths["/signup"]["post"]["responses"]


def test_a_view_whose_body_drifts_from_its_model_fails_loudly(app, monkeypatch):
    """The drift a hand-written dict used to hide: a field of the wrong type, or missing."""

    class Out(BaseModel):
        id: int
        name: str

    # Declare without registering: the app's url_map is already built.
    monkeypatch.setattr(api_bp, "add_url_rule", lambda *a, **k: None)
    monkeypatch.setattr(base, "OPERATIONS", [])
    monkeypatch.setattr(base, "document", lambda *a, **k: None)
    wrong_type = endpoint("/drift", "GET", summary="d", tags=["t"], auth=False, response=Out)(
        lambda: {"id": "seven", "name": "x"}
    )
    missing = endpoint("/gap", "GET", summary="g", tags=["t"], auth=False, response=Out)(
        lambda: {"id": 7}
    )
    with app.test_request_context("/api/v1/drift"):
        for view in (wrong_type, missing):
            with pytest.raises(ValidationError):
                view()
