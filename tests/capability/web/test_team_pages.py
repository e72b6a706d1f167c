"""The skills matrix, a member's page with the assess form, a skill's history, through the
HTTP client: what each role sees and may do, errors that keep input and change nothing,
a client team member rating only themself, and other brands' and agencies' ids as 404s."""

from __future__ import annotations

import re

from tests.capability.web.conftest import counts, rate, text_of


def team_path(world) -> str:
    return f"/brands/{world.brand.id}/team"


def member_path(world, member_id: int, tail: str = "") -> str:
    return f"/brands/{world.brand.id}/team/{member_id}{tail}"


# --- the matrix -------------------------------------------------------------------------


def test_an_empty_team_teaches_and_staff_get_the_add_form(alpha, login_as):
    page = text_of(login_as(alpha.consultant).get(team_path(alpha)))
    assert "No team members yet" in page
    assert "Add a team member" in page
    assert 'name="user_id"' in page and "Alpha Team" in page  # a Tandem user to link


def test_client_users_see_the_empty_team_without_the_form(alpha, login_as):
    for who in (alpha.leader, alpha.team):
        page = text_of(login_as(who).get(team_path(alpha)))
        assert "No team members yet" in page
        assert "Add a team member" not in page
        assert f'action="/brands/{alpha.brand.id}/team"' not in page


def test_the_matrix_shows_both_ratings_the_counted_one_and_thin_skills(alpha, login_as, team):
    t = team(alpha)
    rate(alpha, t.sara, "tiktok", 1, by="team")
    rate(alpha, t.sara, "tiktok", 3)  # the consultant's counts
    rate(alpha, t.omar, "instagram", 2, by="consultant")
    page = text_of(login_as(alpha.leader).get(team_path(alpha)))
    assert "Sara Haddad" in page and "Omar Nasser" in page
    assert "Layla Other" not in page  # the other brand's member
    # Sara's TikTok cell: counted 3 in the box, her own 1 beside the consultant's bold 3.
    row = re.search(r"<tr[^>]*>\s*<th scope=\"row\"><a[^>]*>TikTok</a>.*?</tr>", page, re.S)
    assert row, "no TikTok row"
    assert 'class="lvl lvl-3">3<' in row.group(0)
    assert "self 1" in row.group(0) and "<b>consultant 3</b>" in row.group(0)
    # Thin: nobody is rated in short video; TikTok (3) and Instagram (2) are not thin.
    thin = page[page.index("Where the team is thin") : page.index("People and skills")]
    assert "Short video" in thin and "TikTok" not in thin and "Instagram" not in thin
    assert "Can teach others" in page  # the level legend
    assert "Add a team member" not in page


def test_the_matrix_in_arabic(alpha, login_as, team):
    t = team(alpha)
    rate(alpha, t.sara, "tiktok", 1)
    client = login_as(alpha.consultant)
    client.get("/language/ar")
    page = text_of(client.get(team_path(alpha)))
    assert 'dir="rtl"' in page
    assert "مصفوفة المهارات" in page
    assert "تيك توك" in page  # the skill's Arabic name
    assert "Skills matrix" not in page


def test_staff_add_a_member_linked_to_a_user(alpha, login_as):
    client = login_as(alpha.consultant)
    resp = client.post(team_path(alpha), data={"name": "", "user_id": str(alpha.team.user_id)})
    assert resp.status_code == 303
    page = text_of(client.get(resp.headers["Location"]))
    assert "Alpha Team" in page and "Tandem user" in page
    assert counts(alpha)["team_members"] == 1


def test_adding_a_member_without_a_name_keeps_the_form_and_saves_nothing(alpha, login_as):
    client = login_as(alpha.owner)
    resp = client.post(team_path(alpha), data={"name": "   ", "user_id": ""})
    assert resp.status_code == 422
    assert "Enter the person&#39;s name." in text_of(resp)
    resp = client.post(team_path(alpha), data={"name": "Rami", "user_id": str(2**31)})
    assert resp.status_code == 422
    page = text_of(resp)
    assert "Choose a person who has access to this brand." in page
    assert 'value="Rami"' in page  # input kept
    assert counts(alpha)["team_members"] == 0


def test_client_users_cannot_add_members(alpha, login_as):
    for who in (alpha.team, alpha.leader):
        resp = login_as(who).post(team_path(alpha), data={"name": "Sneaky"})
        assert resp.status_code == 403
    assert counts(alpha)["team_members"] == 0


# --- a member's page and the assess form ----------------------------------------------------


def test_staff_rate_a_member_and_the_history_shows_as_bars(alpha, login_as, team):
    t = team(alpha)
    client = login_as(alpha.consultant)
    page = text_of(client.get(member_path(alpha, t.omar)))
    assert "Add a consultant's rating" in page
    assert "Practising with help" in page  # level descriptions beside the radios
    for rating in ("1", "3"):
        resp = client.post(
            member_path(alpha, t.omar, "/assessments"), data={"skill": "tiktok", "rating": rating}
        )
        assert resp.status_code == 303
    page = text_of(client.get(member_path(alpha, t.omar)))
    bars = re.findall(r'class="cap-bar h-(\d) src-(\w+)"', page)
    assert bars == [("1", "consultant"), ("3", "consultant")]  # oldest first
    assert "History (2)" in page


def test_a_rating_of_7_is_refused_keeping_the_skill_and_changing_nothing(alpha, login_as, team):
    t = team(alpha)
    before = counts(alpha)
    resp = login_as(alpha.consultant).post(
        member_path(alpha, t.omar, "/assessments"), data={"skill": "short_video", "rating": "7"}
    )
    assert resp.status_code == 422
    page = text_of(resp)
    assert "Choose a rating from 0 to 4." in page
    assert re.search(
        r'<option selected value="short_video"|<option value="short_video" selected', page
    )
    assert counts(alpha) == before


def test_an_unknown_skill_is_refused(alpha, login_as, team):
    t = team(alpha)
    resp = login_as(alpha.consultant).post(
        member_path(alpha, t.omar, "/assessments"), data={"skill": "juggling", "rating": "2"}
    )
    assert resp.status_code == 422
    assert "Choose a skill from the catalogue." in text_of(resp)
    assert counts(alpha)["assessments"] == 0


def test_a_team_member_rates_only_themself(alpha, login_as, team):
    t = team(alpha)
    client = login_as(alpha.team)
    own = text_of(client.get(member_path(alpha, t.sara)))
    assert "Rate yourself" in own and "This is you" in own
    other = text_of(client.get(member_path(alpha, t.omar)))
    assert "Rate yourself" not in other and 'name="rating"' not in other
    resp = client.post(
        member_path(alpha, t.omar, "/assessments"), data={"skill": "tiktok", "rating": "4"}
    )
    assert resp.status_code == 403
    assert counts(alpha)["assessments"] == 0
    resp = client.post(
        member_path(alpha, t.sara, "/assessments"), data={"skill": "tiktok", "rating": "2"}
    )
    assert resp.status_code == 303
    page = text_of(client.get(member_path(alpha, t.sara)))
    assert 'class="cap-bar h-2 src-self"' in page


def test_a_client_leader_reads_but_cannot_rate(alpha, login_as, team):
    t = team(alpha)
    rate(alpha, t.sara, "tiktok", 2)
    client = login_as(alpha.leader)
    page = text_of(client.get(member_path(alpha, t.sara)))
    assert "Ratings and progress" in page and 'name="rating"' not in page
    resp = client.post(
        member_path(alpha, t.sara, "/assessments"), data={"skill": "tiktok", "rating": "4"}
    )
    assert resp.status_code == 403
    assert counts(alpha)["assessments"] == 1


def test_a_member_of_another_brand_is_not_found_here(alpha, login_as, team):
    t = team(alpha)
    client = login_as(alpha.consultant)
    assert client.get(member_path(alpha, t.other)).status_code == 404
    resp = client.post(
        member_path(alpha, t.other, "/assessments"), data={"skill": "tiktok", "rating": "2"}
    )
    assert resp.status_code == 404
    assert counts(alpha)["assessments"] == 0


def test_another_agencys_ids_are_not_found(alpha, bravo, login_as, team):
    t = team(alpha)
    client = login_as(bravo.owner)
    assert client.get(team_path(alpha)).status_code == 404
    assert client.get(member_path(alpha, t.sara)).status_code == 404
    resp = client.post(
        member_path(alpha, t.sara, "/assessments"), data={"skill": "tiktok", "rating": "2"}
    )
    assert resp.status_code == 404
    assert client.post(team_path(alpha), data={"name": "X"}).status_code == 404
    # Bravo's own brand with Alpha's member id: not found either.
    assert client.get(f"/brands/{bravo.brand.id}/team/{t.sara}").status_code == 404
    assert counts(alpha)["assessments"] == 0 and counts(alpha)["team_members"] == 3


# --- a skill's page -----------------------------------------------------------------------


def test_the_skill_page_shows_each_members_history(alpha, login_as, team):
    from saas.services.capability import skills as skills_service
    from tenants.context import tenant_scope

    t = team(alpha)
    rate(alpha, t.sara, "tiktok", 1, by="team")
    rate(alpha, t.sara, "tiktok", 2)
    client = login_as(alpha.leader)
    with tenant_scope(alpha.agency.id):
        skill_id = skills_service.by_key("tiktok").id
    page = text_of(client.get(f"/brands/{alpha.brand.id}/skills/{skill_id}"))
    assert "Sara Haddad" in page and "Omar Nasser" in page
    assert re.findall(r'class="cap-bar h-(\d) src-(\w+)"', page) == [
        ("1", "self"),
        ("2", "consultant"),
    ]
    assert "Not rated in this skill yet." in page  # Omar
    assert client.get(f"/brands/{alpha.brand.id}/skills/{2**31 - 1}").status_code == 404
