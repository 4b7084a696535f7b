"""Steps the consent browser tests share: open a child's consent page, find one organisation and kind."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in


def open_consent(page, server, login: str, child: str) -> None:
    """Sign in and open the consent page of `child` through the menu, as a person would."""
    sign_in(page, server, login)
    page.get_by_role("navigation").get_by_role("link", name="Toestemming").click()
    title = "Wat je deelt" if login == child.lower() else f"Delen voor {child}"  # a youth's own: "je"
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def card(page, organisation: str):
    return page.locator("section.consent-card", has=page.get_by_role("heading", name=organisation, exact=True))


def kind(page, organisation: str, label: str):
    """The block of one kind of information within an organisation's card."""
    return card(page, organisation).locator(
        ".consent-kind", has=page.get_by_role("heading", name=label, exact=True))


def state(page, organisation: str, label: str):
    return kind(page, organisation, label).locator(".consent-kind__state")
