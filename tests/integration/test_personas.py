"""The personas every feature is tested with: each sees their own part and nothing else."""
from __future__ import annotations

from tests.integration.consent_helpers import person


def test_a_parent_of_another_family_never_opens_the_demo_familys_pages(family_app, other_family_parent):
    sam = person(family_app, "Sam")
    for page in (f"/kind/{sam.id}", f"/toestemming/{sam.id}", f"/kind/{sam.id}/evaluatie"):
        assert other_family_parent.get(page).status_code == 404, page
    home = other_family_parent.get("/home").get_data(as_text=True)
    assert "Jesse" in home and "Sam" not in home and "Fatima" not in home


def test_a_youth_sees_only_their_own_plan_on_every_page(family_app, youth, older_youth):
    sam, noor = person(family_app, "Sam"), person(family_app, "Noor")
    assert youth.get(f"/kind/{noor.id}").status_code == 403
    assert older_youth.get(f"/kind/{sam.id}").status_code == 403
    assert youth.get(f"/toestemming/{noor.id}").status_code == 403
    assert youth.get(f"/kind/{noor.id}/evaluatie").status_code == 403
    home = youth.get("/home").get_data(as_text=True)
    assert "Je plan bekijken" in home and "Plan van Noor" not in home and "Plan van Lotte" not in home


def test_a_parent_without_gezag_reads_the_plans_but_decides_nothing(family_app, parent_without_gezag):
    lotte = person(family_app, "Lotte")
    assert parent_without_gezag.get(f"/kind/{lotte.id}").status_code == 200
    page = parent_without_gezag.get(f"/toestemming/{lotte.id}").get_data(as_text=True)
    assert "Alleen ouders met gezag beslissen over delen." in page


def test_professionals_each_sign_in_to_their_own_organisation(coordinator, partner, outsider):
    assert "Wijkteam Oost" in coordinator.get("/werkplek").get_data(as_text=True)
    assert "Het Baken College" in partner.get("/werkplek").get_data(as_text=True)
    outsider_page = outsider.get("/werkplek").get_data(as_text=True)
    assert "Bureau Leerplicht Midden" in outsider_page and "Wijkteam Oost" not in outsider_page


def test_a_new_family_hears_what_happens_next_and_is_not_asked_to_decide_about_nothing(family_app,
                                                                                        other_family_parent):
    from datetime import date, timedelta

    from tests.conftest import csrf_token

    today = date.today()
    turned_12 = (today - timedelta(days=10)).replace(year=today.year - 12)  # a birthday 10 days ago
    page = other_family_parent.get("/gezin").get_data(as_text=True)
    assert other_family_parent.post("/gezin/kind", data={
        "csrf_token": csrf_token(page), "child-name": "Yara", "child-birth_date": turned_12.strftime("%d-%m-%Y"),
        "child-school_stage": "vo"}).status_code == 303
    home = other_family_parent.get("/home").get_data(as_text=True)
    assert "Er werkt nog geen school, wijkteam of jeugdgezondheidszorg met dit plan." in home
    assert "Vraag de intern begeleider op school of het wijkteam om met OnsPlan te werken." in home
    assert "Beslis over delen" not in home
    assert "Beslis over delen" not in other_family_parent.get("/toestemming").get_data(as_text=True)
