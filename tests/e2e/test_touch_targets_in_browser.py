"""Every control is at least 44 × 44 px on a phone, with room between opposite actions."""
from __future__ import annotations

from tests.e2e.conftest import sign_in

CONTROLS = ("button:not([hidden]), a.button, input:not([type=hidden]):not([type=radio]):not([type=checkbox]), "
            "select, textarea, summary, label:has(> input[type=radio]), label:has(> input[type=checkbox])")


def _too_small(page) -> list[str]:
    return page.evaluate("""(selector) => [...document.querySelectorAll(selector)]
        .filter(el => el.offsetParent !== null)
        .map(el => [el, el.getBoundingClientRect()])
        .filter(([el, box]) => box.height < 44 || box.width < 44)
        .map(([el, box]) => `${el.tagName} "${el.textContent.trim().slice(0, 30)}" ${Math.round(box.width)}x${Math.round(box.height)}`)""",
                         CONTROLS)


def test_controls_are_big_enough_to_tap_on_every_family_page(context, family_server):
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    sam = page.evaluate("""() => document.querySelector('a[href^="/kind/"]').getAttribute('href').split('/')[2]""")
    paths = ["/home", "/gezin", f"/kind/{sam}", f"/kind/{sam}/evaluatie", "/toestemming", f"/toestemming/{sam}",
             f"/toestemming/{sam}/geschiedenis", "/wie-keek-mee"]
    for path in paths:
        page.goto(family_server.url + path)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert _too_small(page) == [], path


def test_stop_sharing_and_keep_sharing_are_far_apart(context, family_server):
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    page.goto(family_server.url + "/toestemming")
    page.get_by_role("link", name="Delen voor Lotte").click()
    page.get_by_role("link", name="Stoppen met delen").first.click()
    stop = page.get_by_role("button", name="Ja, stop met delen").bounding_box()
    keep = page.get_by_role("link", name="Nee, blijf delen").bounding_box()
    assert keep["height"] >= 44 and stop["height"] >= 44
    assert keep["y"] - (stop["y"] + stop["height"]) >= 16
