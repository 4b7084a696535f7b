"""Every form that changes something, sent twice exactly as the page rendered it (a double tap on a
slow connection, a replay from the phone's outbox after a lost answer), changes things once: the
databases after the second send are the same as after the first. The walk over both roles' url
maps makes sure no state-changing form is left out."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from tests.conftest import Actions
from tests.integration.consent_helpers import ORG
from webapp.db import connect
from webapp.people.members import family_members
from webapp.records import get_meta, get_store

# Tables that change with every request, whatever it does: sign-in sessions, failed sign-ins, the
# hub's log of reads and workplace visits (a page view is a read), and node metadata.
VOLATILE = {"login_sessions", "sign_in_failures", "read_events", "workplace_visits", "meta", "_migrations"}


class _Forms(HTMLParser):
    """The forms of a page, with the values a browser would send (hidden and filled-in fields, the
    checked boxes and the selected options) and their buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: list | None = None
        self._textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": (a.get("method") or "get").lower(),
                          "fields": [], "buttons": []}
            self.forms.append(self._form)
        if self._form is None:
            return
        if tag == "input" and "name" in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"].append([a["name"], a.get("value", "on")])
            elif kind == "submit":
                self._form["buttons"].append((a["name"], a.get("value", "")))
            else:
                self._form["fields"].append([a["name"], a.get("value", "")])
        elif tag == "button" and "name" in a:
            self._form["buttons"].append((a["name"], a.get("value", "")))
        elif tag == "select" and "name" in a:
            self._select = [a["name"], None, "multiple" in a]
        elif tag == "option" and self._select is not None:
            if "selected" in a:
                self._form["fields"].append([self._select[0], a.get("value", "")])
                self._select[1] = "chosen"
            elif self._select[1] is None and not self._select[2]:
                self._select[1] = a.get("value", "")  # the first option, unless another is selected
        elif tag == "textarea" and "name" in a:
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None and self._form is not None:
            if self._select[1] not in (None, "chosen"):
                self._form["fields"].append([self._select[0], self._select[1]])
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form["fields"].append(self._textarea)
            self._textarea = None
        elif tag == "form":
            self._form = None


def _form(client, page: str, action: str, button: tuple[str, str] | None = None, **values) -> list:
    """The form on `page` that posts to `action`, filled in as a person would (`values` replace or
    add fields by name; a name given as a list sends several values)."""
    forms = _Forms()
    response = client.get(page)
    assert response.status_code == 200, page
    forms.feed(response.get_data(as_text=True))
    found = [f for f in forms.forms if f["method"] == "post" and urlsplit(f["action"]).path == action
             and (button is None or button in f["buttons"])]
    assert found, f"no form to {action} on {page}: {[(f['action'], f['buttons']) for f in forms.forms]}"
    fields = [pair for pair in found[0]["fields"] if pair[0] not in values]
    for name, value in values.items():
        fields += [[name, v] for v in (value if isinstance(value, list) else [value])]
    return fields + ([list(button)] if button else [])


def _options(client, page: str, name: str) -> list[str]:
    """The values a select of the page offers (without an empty first choice)."""
    html = client.get(page).get_data(as_text=True)
    select = re.search(r'<select[^>]*name="' + re.escape(name) + r'"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [v for v in re.findall(r'<option[^>]*value="([^"]*)"', select) if v]


def _state(app) -> dict:
    """What a second send could change: the rows of every lasting table, and the records by kind."""
    db = connect(app.config["ONSPLAN"].database_path)
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    state = {t: db.execute(f"SELECT COUNT(*) FROM [{t}]").fetchone()[0]  # nosec B608 (names from the schema)
             for t in tables if t not in VOLATILE and not t.startswith("sqlite_")}
    if "records" in tables:
        state.update({f"records:{kind}": n for kind, n in
                      db.execute("SELECT kind, COUNT(*) FROM records GROUP BY kind")})
        state["records:current"] = db.execute("SELECT group_concat(id) FROM (SELECT id FROM records WHERE"
                                               " is_current = 1 ORDER BY id)").fetchone()[0]
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    for table in ("enrolment_invitations", "invitations"):
        if table in tables:
            state[f"open {table}"] = db.execute(f"SELECT group_concat(id) FROM (SELECT id FROM {table}"  # nosec B608
                                                " WHERE used_at IS NULL AND expires_at > ? ORDER BY id)",
                                                [now]).fetchone()[0]
    return state


def _errors(response) -> list[str]:
    """The messages a refused form shows (for a readable failure)."""
    html = response.get_data(as_text=True)
    return [re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(
        r'<(?:p|span|div)[^>]*class="[^"]*(?:error|alert--error)[^"]*"[^>]*>(.*?)</(?:p|span|div)>', html, re.S)
        if "geen verbinding" not in m]


def _sent_twice(app, client, action: str, fields: list) -> None:
    before = _state(app)
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    first = client.post(action, data=data)
    assert first.status_code in (200, 303), (action, first.status_code, _errors(first))
    after_first = _state(app)
    assert after_first != before, f"{action}: the first send changed nothing, so this case tests nothing"
    second = client.post(action, data=data)
    assert second.status_code in (200, 303), (action, second.status_code, _errors(second))
    changed = {k: (after_first.get(k), v) for k, v in _state(app).items() if after_first.get(k) != v}
    assert not changed, f"{action}: the second send changed {changed}"


# -- the family space ------------------------------------------------------------------------------

def _people(app) -> dict[str, str]:
    with app.app_context():
        store = get_store()
        family_id = get_meta(store.db, "demo_family")
        return {p.name.split()[0]: p.id for p in family_members(store, family_id)}


def _goal(app, child: str, starts: str) -> str:
    from webapp.plan.queries import load_child_plan

    with app.app_context():
        store = get_store()
        plan = load_child_plan(store, get_meta(store.db, "demo_family"), _people(app)[child])
        return next(g.id for g in plan.goals if g.current.title.startswith(starts))


def _open_afspraak(app, child: str) -> str:
    from webapp.plan.queries import load_child_plan

    with app.app_context():
        store = get_store()
        plan = load_child_plan(store, get_meta(store.db, "demo_family"), _people(app)[child])
        return next(a.id for a in plan.afspraken if a.status == "open")


def _involved(app, organisation_id: str) -> str:
    from webapp.people.involved import involved_for_family

    with app.app_context():
        store = get_store()
        return next(i.id for i in involved_for_family(store, get_meta(store.db, "demo_family"))
                    if i.organisation_id == organisation_id)


def _family_case(rule: str, app, client) -> tuple[str, list]:
    """(action, fields) for one family-space form, taken from the page that shows it."""
    p = _people(app)
    sam, lotte = p["Sam"], p["Lotte"]
    if rule == "plan.propose_goal":
        page = f"/kind/{sam}/doel/nieuw"
        return page, _form(client, page, page, title="Sam fietst zelf naar de sportclub.",
                           strengths="Sam houdt van voetbal.")
    if rule == "plan.agree":
        goal = _goal(app, "Sam", "Sam gaat elke schooldag")
        return f"/kind/{sam}/doel/{goal}/akkoord", _form(client, f"/kind/{sam}/doel/{goal}",
                                                         f"/kind/{sam}/doel/{goal}/akkoord")
    if rule == "plan.change_status":
        goal = _goal(app, "Lotte", "Lotte speelt")
        action = f"/kind/{lotte}/doel/{goal}/status"
        return action, _form(client, f"/kind/{lotte}/doel/{goal}", action, button=("status", "reached"))
    if rule == "plan.undo_stop":
        goal = _goal(app, "Lotte", "Lotte speelt")
        status = f"/kind/{lotte}/doel/{goal}/status"
        fields = _form(client, f"/kind/{lotte}/doel/{goal}", status, button=("status", "stopped"), confirm="1")
        assert client.post(status, data=dict(fields)).status_code == 303
        action = f"/kind/{lotte}/doel/{goal}/toch-doorgaan"
        return action, _form(client, f"/kind/{lotte}/doel/{goal}", action)
    if rule == "plan.revise_goal":
        goal = _goal(app, "Sam", "Sam slaapt")
        action = f"/kind/{sam}/doel/{goal}/wijzigen"
        return action, _form(client, action, action, title="Sam slaapt door de week vóór 22.30 uur.")
    if rule == "plan.comment":
        goal = _goal(app, "Sam", "Sam slaapt")
        action = f"/kind/{sam}/doel/{goal}/reactie"
        return action, _form(client, f"/kind/{sam}/doel/{goal}", action, text="Het lukt al drie avonden.")
    if rule == "plan.add_afspraak":
        action = f"/kind/{sam}/afspraken"
        return action, _form(client, f"/kind/{sam}", action, what="Samen een wekker kopen.", due="31-12-2026",
                             who=_options(client, f"/kind/{sam}", "who")[0])
    if rule == "plan.afspraak_status":
        action = f"/kind/{sam}/afspraak/{_open_afspraak(app, 'Sam')}/status"
        return action, _form(client, f"/kind/{sam}", action, button=("status", "done"))
    if rule == "evaluation.answer":
        plan = client.get(f"/kind/{sam}").get_data(as_text=True)
        moment = re.search(r'href="(/kind/' + sam + r'/evaluatie/[^"/]+)">Evaluatie staat open', plan).group(1)
        page = moment + "/ouder"
        fields = _form(client, page, page, button=("action", "draft"))
        text = next(name for name, _v in fields if name.startswith("q-") and "goed" in name or name == "q-went_well")
        return page, [[n, "Het slaapdagboek helpt." if n == text else v] for n, v in fields]
    if rule == "family.add_child":
        return "/gezin/kind", _form(client, "/gezin", "/gezin/kind", **{"child-name": "Mila",
                                                                      "child-birth_date": "31-03-2014"})
    if rule == "family.add_parent":
        return "/gezin/ouder", _form(client, "/gezin", "/gezin/ouder", **{"parent-name": "Ahmed de Vries"})
    if rule == "family.invite":
        return "/gezin/uitnodigen", _form(client, "/gezin", "/gezin/uitnodigen",
                                          person_id=_options(client, "/gezin", "person_id")[0])
    if rule == "family.add_involved":  # the JGZ taken off first, then added again
        stop = f"/betrokkenen/{_involved(app, ORG['jgz'])}/stoppen"
        assert client.post(stop, data=dict(_form(client, stop, stop))).status_code == 303
        return "/betrokkenen/toevoegen", _form(client, "/betrokkenen", "/betrokkenen/toevoegen",
                                               **{"add-organisation_id": ORG["jgz"], "add-children": [sam]})
    if rule == "family.change_involved":
        item = _involved(app, ORG["jgz"])
        prefix = f"org-{item[:8]}"
        return f"/betrokkenen/{item}", _form(client, "/betrokkenen", f"/betrokkenen/{item}",
                                             **{f"{prefix}-children": [sam]})
    if rule == "family.stop_involved":
        item = _involved(app, ORG["jgz"])
        action = f"/betrokkenen/{item}/stoppen"
        return action, _form(client, action, action)
    if rule == "consent.decide":
        action = f"/toestemming/{lotte}/{ORG['jgz']}/evaluaties"
        return action, _form(client, f"/toestemming/{lotte}", action, button=("answer", "yes"))
    raise KeyError(rule)


FAMILY_FORMS = ["plan.propose_goal", "plan.agree", "plan.change_status", "plan.undo_stop", "plan.revise_goal",
                "plan.comment", "plan.add_afspraak", "plan.afspraak_status", "evaluation.answer",
                "family.add_child", "family.add_parent", "family.invite", "family.add_involved",
                "family.change_involved", "family.stop_involved", "consent.decide"]

# Forms that change something, sent twice in a test of their own.
FAMILY_TESTED_ELSEWHERE = {
    "plan.answer_outcome": "tests/integration/test_review_outcomes.py (an outcome needs a review from the hub)",
    "evaluation.share": "tests/integration/test_evaluation_answering.py (a youth's sent answers)",
    "family.join_hub_later": "tests/integration/test_a_real_family_joins.py (a hub code needs a running hub)",
    "auth.join": "tests/integration/test_a_real_family_joins.py (a hub code needs a running hub)",
    "auth.join_account": "tests/integration/test_a_real_family_joins.py (after the code)",
    "consent.object_to_emergency": "tests/integration/test_hub_workplace.py (an emergency from the hub first)",
}
# Not a change to anyone's data: a session, a language or the lock screen of this phone; or a
# setting that is set to the value sent (sent again, it is the same setting).
NOT_A_CHANGE = {"auth.login", "auth.logout", "auth.second_factor", "language.switch", "safety.lock",
                "safety.settings"}


@pytest.mark.parametrize("rule", FAMILY_FORMS)
def test_a_family_form_sent_twice_changes_things_once(rule, family_app, parent):
    action, fields = _family_case(rule, family_app, parent)
    _sent_twice(family_app, parent, action, fields)


# -- the hub ---------------------------------------------------------------------------------------

@pytest.fixture
def karin(hub_app):
    client = hub_app.test_client()
    Actions(client).professional_login(hub_app, "karin")
    return client


def _hub_child(client, name: str) -> str:
    page = client.get("/werkplek").get_data(as_text=True)
    return next(link for link in re.findall(r'href="(/werkplek/kind/[^"]+)"', page)
                if f">{name}</a>" in page.split(f'href="{link}"')[1][:200])


def _hub_moment(client, child_page: str) -> str:
    page = client.get(child_page).get_data(as_text=True)
    return next(link for link in re.findall(r'href="(' + re.escape(child_page) + r'/evaluatie/[^"#/]+)"', page))


def _hub_case(rule: str, client) -> tuple[str, list]:
    sam = _hub_child(client, "Sam")
    if rule == "workplace.child":
        return sam, _form(client, sam, sam, title="Sam zoekt een bijbaantje voor de zaterdag.",
                          strengths="Sam is goed met mensen.")
    if rule == "workplace.review_note":
        action = sam + "/terugkoppeling"
        return action, _form(client, sam, action, **{"note-text": "Mooi dat het slaapdagboek lukt."})
    if rule == "workplace.afspraak":
        action = sam + "/afspraak"
        return action, _form(client, sam, action, **{"afspraak-what": "Karin belt de school.",
                                                     "afspraak-due": "31-12-2026"})
    if rule == "workplace.moment":
        action = sam + "/evaluatiemoment"
        return action, _form(client, sam, action, **{"moment-on": "15-01-2027", "moment-title": "Na de kerst"})
    if rule == "workplace.agree":
        for name in ("Sam", "Lotte", "Noor"):
            child = _hub_child(client, name)
            page = client.get(child).get_data(as_text=True)
            found = re.findall(r'action="(' + re.escape(child) + r'/doel/[^"]+/akkoord)"', page)
            if found:
                return found[0], _form(client, child, found[0])
        raise AssertionError("no goal waits for the regisseur's agreement")
    if rule == "workplace.legal_basis":
        action = sam + "/wettelijke-grond"
        return action, _form(client, sam, action, **{"basis-source": "Beschikking kinderrechter 2026/118",
                                                     "basis-starts_on": "01-12-2026"})
    if rule == "workplace.emergency":
        action = sam + "/noodsituatie"
        return action, _form(client, sam, action, **{
            "emergency-reason": "Sam is sinds gisteren weg van huis en niemand weet waar hij is."})
    if rule == "workplace.invite":
        return "/werkplek/uitnodigen", _form(client, "/werkplek/uitnodigen", "/werkplek/uitnodigen",
                                              label="Gezin Bakker")
    if rule == "workplace.withdraw_code":
        fields = _form(client, "/werkplek/uitnodigen", "/werkplek/uitnodigen", label="Gezin Jansen")
        assert client.post("/werkplek/uitnodigen", data=dict(fields)).status_code == 200
        page = client.get("/werkplek/uitnodigen").get_data(as_text=True)
        action = re.findall(r'action="(/werkplek/uitnodigen/[^"]+/intrekken)"', page)[0]
        return action, _form(client, "/werkplek/uitnodigen", action)
    if rule == "workplace.review_goal":
        moment = _hub_moment(client, sam)
        page = client.get(moment).get_data(as_text=True)
        action = re.findall(r'action="(' + re.escape(moment) + r'/doel/[^"]+)"', page)[0]
        prefix = re.search(r'name="([^"]*)text"', page.split(f'action="{action}"')[1]).group(1)
        return action, _form(client, moment, action, **{f"{prefix}text": "We spraken af dat Sam doorgaat."})
    if rule == "workplace.close_moment":
        moment = _hub_moment(client, sam)
        return moment + "/afsluiten", _form(client, moment, moment + "/afsluiten")
    raise KeyError(rule)


HUB_FORMS = ["workplace.child", "workplace.review_note", "workplace.afspraak", "workplace.moment",
             "workplace.agree", "workplace.legal_basis", "workplace.emergency", "workplace.invite",
             "workplace.withdraw_code", "workplace.review_goal", "workplace.close_moment"]


@pytest.mark.parametrize("rule", HUB_FORMS)
def test_a_hub_form_sent_twice_changes_things_once(rule, hub_app, karin):
    action, fields = _hub_case(rule, karin)
    _sent_twice(hub_app, karin, action, fields)


def test_every_state_changing_form_of_both_roles_is_sent_twice_in_a_test(family_app, hub_app):
    """A new form that changes something must be added above (or say where it is sent twice)."""
    seen = set()
    for app in (family_app, hub_app):
        for rule in app.url_map.iter_rules():
            if "POST" in rule.methods and not rule.rule.startswith("/sync/"):  # the protocol: record ids
                seen.add(rule.endpoint)
    covered = set(FAMILY_FORMS) | set(FAMILY_TESTED_ELSEWHERE) | NOT_A_CHANGE | set(HUB_FORMS)
    assert seen - covered == set(), "forms that change something without a sent-twice test"
    assert covered - seen == set(), "names in this test that are no route"
