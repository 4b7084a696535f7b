"""Results over time: a chart per goal with a table of the same values, and T-scores with their inputs."""
from __future__ import annotations

import re

import pytest

from tests.integration.evaluation_helpers import Demo, answer


@pytest.fixture
def demo(family_app):
    return Demo(family_app)


def _table_rows(page: str, caption_start: str) -> list[list[str]]:
    table = re.search(rf"<caption>{re.escape(caption_start)}.*?</table>", page, re.S).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in rows]


def test_results_show_a_chart_and_a_table_with_the_same_values(demo, parent):
    page = parent.get(f"/kind/{demo.id('Sam')}/evaluatie").get_data(as_text=True)
    assert page.count('role="img"') == 2  # the school goal (GAS) and the sleep goal (1–5)
    assert "Voortgang door de tijd: Sam gaat elke schooldag" in page
    rows = _table_rows(page, "De waarden van de grafiek: Van −2")
    assert rows[0] == ["Datum", "Fatima de Vries", "Sam"]
    assert [r[1:] for r in rows[1:]] == [["-2: veel minder dan verwacht", "-1: minder dan verwacht"],
                                         ["-1: minder dan verwacht", "0: het verwachte resultaat"]]
    school_chart = page.split('role="img"')[1].split("</svg>")[0]
    assert re.findall(r'data-value="(-?\d)"', school_chart) == ["-2", "-1", "-1", "0"]
    assert "Nog niet begonnen" in page and "Bijna" in page  # the sleep goal's table


def test_t_scores_are_shown_with_their_inputs(demo, parent):
    page = parent.get(f"/kind/{demo.id('Sam')}/evaluatie").get_data(as_text=True)
    # One GAS goal: T = 50 + 10 * x; Fatima -2 then -1, Sam -1 then 0.
    captions = re.findall(r'<caption>([^<]*T = [^<]*)</caption>', page)
    assert [c.split(": ")[1] for c in captions] == ["T = 30,0", "T = 40,0", "T = 40,0", "T = 50,0"]
    assert "ρ (rho) = 0,3" in page and "T = 50 + 10 · Σ(wᵢ·xᵢ)" in page
    assert "<td>−2</td><td>1,0</td>" in page


def test_a_new_answer_adds_a_moment_to_the_chart_and_a_t_score(demo, parent):
    moment = demo.open_moment("Sam")
    school = demo.goal("Sam", "Sam gaat")
    answer(parent, demo.url("Sam", moment.id, "ouder"), "submit", **{**demo.complete_answers(), f"progress:{school}": "1"})
    page = parent.get(f"/kind/{demo.id('Sam')}/evaluatie").get_data(as_text=True)
    rows = _table_rows(page, "De waarden van de grafiek: Van −2")
    assert len(rows) == 4 and rows[-1][1:] == ["+1: meer dan verwacht", "Geen antwoord"]
    assert "T = 60,0" in page


def test_the_results_show_only_answers_the_viewer_may_see(demo, youth, parent):
    moment = demo.open_moment("Sam")
    school = demo.goal("Sam", "Sam gaat")
    answer(youth, demo.url("Sam", moment.id, "jongere"), "submit", **{**demo.complete_answers(), f"progress:{school}": "2"})
    assert "T = 70,0" in youth.get(f"/kind/{demo.id('Sam')}/evaluatie").get_data(as_text=True)
    assert "T = 70,0" not in parent.get(f"/kind/{demo.id('Sam')}/evaluatie").get_data(as_text=True)


def test_results_without_answers_say_so(demo, parent):
    page = parent.get(f"/kind/{demo.id('Noor')}/evaluatie").get_data(as_text=True)
    assert "Er zijn nog geen verstuurde antwoorden over doelen die jij kunt zien." in page
    assert 'role="img"' not in page


def test_results_say_per_goal_in_one_plain_sentence_how_it_went_and_hide_the_formula(demo, parent):
    page = parent.get(f"/kind/{demo.id('Sam')}/evaluatie").get_data(as_text=True)
    assert "Fatima de Vries en Sam zien vooruitgang sinds de vorige evaluatie." in page
    main, _sep, disclosure = page.partition("<summary>Hoe rekenen we dit uit?</summary>")
    assert disclosure, "the T-score sits behind a disclosure"
    for statistics in ("ρ", "Kiresuk"):
        assert statistics not in main, statistics
    assert "Kiresuk" in disclosure and "Alle doelen samen in één getal" in disclosure
    for jargon in ("T-score", "Goal Attainment"):  # words of the field, not of a family
        assert jargon not in page, jargon


def test_a_youth_reads_jij_for_his_own_answers_in_his_results(demo, youth, parent):
    own = youth.get(f"/kind/{demo.id('Sam')}/evaluatie").get_data(as_text=True)
    assert "Fatima de Vries en jij zien vooruitgang sinds de vorige evaluatie." in own
    assert "Uitkomsten van je evaluaties" in own
    assert "Fatima de Vries en Sam zien vooruitgang" in parent.get(f"/kind/{demo.id('Sam')}/evaluatie").get_data(
        as_text=True)


def test_the_trend_sentence_uses_jij_as_subject_and_jou_after_voor(family_app):
    from webapp.evaluation.results import Trend
    from webapp.evaluation.texts import trend_sentence

    with family_app.test_request_context():
        assert trend_sentence(Trend(("Sam",), (), (), False), me="Sam") == "Jij ziet vooruitgang sinds de vorige evaluatie."
        assert trend_sentence(Trend((), ("Sam",), ("Fatima",), False), me="Sam") == (
            "Voor jou is het gelijk gebleven; voor Fatima ging het minder goed.")
