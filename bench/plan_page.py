"""Benchmark: the plan pages with many families in the database, for a family whose history
grows from the demo's size to 500 and 2,000 records, and the weight of a first visit.

Budgets (ARCHITECTURE.md): server time p95 <= 15 ms for home, plan and goal pages with
10,000 families, also when the family has 2,000 records; a first visit of the plan page
<= 50 KB compressed (HTML + CSS + JS).

    python bench/plan_page.py [--families 10000] [--requests 300] [--sizes 500,2000]

Prints a small report; numbers depend on the machine, so compare runs on one machine.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import http.client  # noqa: E402
import logging  # noqa: E402
import threading  # noqa: E402

from flask import appcontext_tearing_down, g  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from tests.conftest import Actions, make_app  # noqa: E402
from webapp.auth import queries  # noqa: E402
from webapp.auth.passwords import hash_password  # noqa: E402
from webapp.consent.rules import Basis, DeciderRole, InfoKind  # noqa: E402
from webapp.consent.store import record_access_event, record_decision  # noqa: E402
from webapp.db import transaction  # noqa: E402
from webapp.demo import ORGANISATIONS, seed_family  # noqa: E402
from webapp.people.members import add_member, family_members  # noqa: E402
from webapp.plan.queries import NO_COMMENTS, PlanWriter, load_child_plan  # noqa: E402
from webapp.plan.rules import GoalStatus  # noqa: E402
from webapp.records import RecordStore, get_meta, get_store  # noqa: E402
from sync.clock import HybridClock  # noqa: E402
from sync.record import new_record_id  # noqa: E402


def fill(app, families: int, first: int = 0) -> None:
    """Families like the demo one: two parents, two children, goals, afspraken, a moment."""
    today = date.today()
    with app.app_context():
        store = get_store()
        db, keys = store.db, store.keys
        password = hash_password("bench-password-123")
        done = first
        families += first
        while done < families:
            with transaction(db):
                for _ in range(min(500, families - done)):
                    family_id = store.create_family()
                    mum = add_member(store, family_id=family_id, author="bench", name=f"Ouder {done}", role="parent")
                    add_member(store, family_id=family_id, author="bench", name=f"Ouder B {done}", role="parent")
                    for age in (8, 13):
                        child = add_member(store, family_id=family_id, author=mum.id, name=f"Kind {done}-{age}",
                                           role="child", birth_date=today - timedelta(days=365 * age + 30))
                        writer = PlanWriter(store, family_id, {"side": "family", "id": mum.id, "name": mum.name})
                        for n in range(3):
                            goal = writer.propose_goal(child.id, life_domain="school", title=f"Doel {n} voor {age}",
                                                       strengths="Sterk", gas=None)
                            writer.add_afspraak(child.id, goal_id=goal, who={"kind": "person", "id": mum.id,
                                                "label": mum.name}, what=f"Afspraak {n}", due=today + timedelta(days=n))
                        store.write(family_id=family_id, kind="evaluation_moment", author="bench",
                                    subject=child.id, body={"item": new_record_id(), "date": (today + timedelta(days=20)).isoformat(),
                                                           "title": "Evaluatie", "goals": [], "participants": []})
                    queries.create_account(db, id=new_record_id(), family_id=family_id, person_id=mum.id, role="parent",
                                           login_hash=keys.lookup_hash("login", f"bench{done}"), password_hash=password)
                    done += 1
            print(f"  {done} families", file=sys.stderr, end="\r")
    print(file=sys.stderr)


def family_size(app, family_id: str) -> int:
    with app.app_context():
        return get_store().db.execute("SELECT COUNT(*) FROM records WHERE family_id = ?", [family_id]).fetchone()[0]


def grow(app, family_id: str, target: int) -> None:
    """Years of history for one family until it holds `target` records. Per round (about a
    fortnight) and child: three comments and a review note on a goal, an afspraak that is made
    and marked done, a professional who looked at the plan, two saves of an evaluation answer;
    every fifth round a new goal that is proposed and later changed; every tenth a consent
    decision. Most of it is history that the plan pages do not show."""
    today = date.today()
    wijkteam = ORGANISATIONS[0]
    with app.app_context():
        # The history is written with the clock of the time it happened: a round every fortnight,
        # ending today, so "new since the last visit" sees only the last weeks, as in real use.
        rounds = max(1, (target - family_size(app, family_id)) // 28)
        now_ms = int(datetime.now(timezone.utc).timestamp() * 1000)
        wall = [now_ms - rounds * 14 * 86_400_000]
        store = RecordStore(get_store().db, get_store().keys, HybridClock("bench0001", wall_ms=lambda: wall[0]))
        members = family_members(store, family_id)
        mum = next(p for p in members if p.role == "parent")
        children = [p for p in members if p.is_child]
        family_side = {"side": "family", "id": mum.id, "name": mum.name}
        pro = {"side": "professional", "id": wijkteam[0], "name": wijkteam[4]}
        round_ = 0
        while family_size(app, family_id) < target:
            with transaction(store.db):
                for child in children:
                    writer, karin = PlanWriter(store, family_id, family_side), PlanWriter(store, family_id, pro)
                    plan = load_child_plan(store, family_id, child.id, NO_COMMENTS, goal_history=False)
                    if round_ % 5 == 0 or not plan.goals:
                        for earlier in plan.goals:  # the goals of the last months are reached or stopped
                            if earlier.current.status is GoalStatus.PROPOSED:
                                writer.change_status(earlier, GoalStatus.STOPPED)
                        goal_id = writer.propose_goal(child.id, life_domain="school", title=f"Doel uit ronde {round_}",
                                                      strengths="Wil graag", gas=None)
                        goal = load_child_plan(store, family_id, child.id, NO_COMMENTS).goal(goal_id)
                        writer.revise(goal, life_domain="school", title=f"Doel uit ronde {round_}, bijgesteld",
                                      strengths="Wil graag", gas=None)
                    else:
                        goal_id = next(g for g in plan.goals if g.current.status is GoalStatus.PROPOSED).id
                    for n in range(3):
                        writer.comment(child.id, goal_id=goal_id, text=f"Reactie {n} in ronde {round_}",
                                       by_youth=False, question=False)
                    karin.review_note(child.id, goal_id=goal_id, text=f"Terugkoppeling ronde {round_}")
                    afspraak_id = writer.add_afspraak(child.id, goal_id=goal_id, who={"kind": "person", "id": mum.id,
                                                      "label": mum.name}, what=f"Afspraak {round_}",
                                                      due=today + timedelta(days=round_ % 30))
                    afspraak = next(a for a in load_child_plan(store, family_id, child.id, NO_COMMENTS,
                                                               goal_history=False).afspraken if a.id == afspraak_id)
                    writer.change_afspraak_status(child.id, afspraak, "done")
                    record_access_event(store, family_id=family_id, child_id=child.id, organisation_id=wijkteam[0],
                                        organisation=wijkteam[1], professional=wijkteam[4], role=wijkteam[5],
                                        kind=InfoKind.PLAN, basis=Basis.CONSENT, at=datetime.now(timezone.utc),
                                        author=wijkteam[0])
                    item = new_record_id()
                    for status in ("draft", "submitted"):
                        store.write(family_id=family_id, kind="evaluation_response", author=mum.id, subject=child.id,
                                    body={"item": item, "moment": "bench", "respondent": "parent",
                                          "questionnaire": "family", "questionnaire_version": 1, "version": 1,
                                          "status": status, "answers": {"heard": "4"}, "goals": [],
                                          "shared_with_parents": False, "by": family_side,
                                          "saved_on": today.isoformat()})
                    if round_ % 10 == 0:
                        record_decision(store, family_id=family_id, child_id=child.id, organisation_id=wijkteam[0],
                                        organisation=wijkteam[1], kind=InfoKind.EVALUATIONS, person_id=mum.id,
                                        role=DeciderRole.PARENT, granted=round_ % 20 == 0, decided_on=today,
                                        based_on=None)
            round_ += 1
            wall[0] = min(wall[0] + 14 * 86_400_000, now_ms)


class Work:
    """Counts what one request opened, through the request's record store."""

    def __init__(self, app):
        self.last = None
        appcontext_tearing_down.connect(self._keep, app)

    def _keep(self, _sender, **_extra):
        if "record_store" in g:
            self.last = (g.record_store.unwraps, g.record_store.decrypts)


def timings(client, url: str, requests: int) -> list[float]:
    client.get(url)  # warm up
    result = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        result.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return result


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def first_visit_bytes(client, url: str) -> dict[str, tuple[int, int]]:
    """Uncompressed size and bytes as served (browser accepting br/gzip) of the page and its CSS and JS."""
    accept = {"Accept-Encoding": "br, gzip"}
    html = client.get(url, headers=accept).get_data()
    sizes = {"html": (len(html), len(html))}  # pages are not compressed (BREACH), see docs/performance.md
    for asset in re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html):
        raw = client.get(asset.decode()).get_data()
        served = client.get(asset.decode(), headers=accept)
        sizes[asset.decode()] = (len(raw), len(served.get_data()))
    return sizes


class HttpClient:
    """The same pages over real HTTP on loopback (werkzeug's threaded server), with the session cookie."""

    def __init__(self, app, cookie: str):
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.connection = http.client.HTTPConnection("127.0.0.1", self.server.server_port)
        self.cookie = cookie

    def timings(self, url: str, requests: int) -> list[float]:
        result = []
        for n in range(requests + 1):
            start = time.perf_counter()
            self.connection.request("GET", url, headers={"Cookie": self.cookie})
            response = self.connection.getresponse()
            response.read()
            assert response.status == 200, (url, response.status)
            if n:  # the first request warms up
                result.append((time.perf_counter() - start) * 1000)
        return result

    def close(self):
        self.server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--sizes", default="500,2000", help="records in the measured family after growing it")
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="onsplan-bench-"))
    app = make_app("family", data)
    started = time.perf_counter()
    fill(app, args.families // 2)
    seed_family(app, make_app("hub", data / "hub"))  # the demo family in the middle of the others
    fill(app, args.families - args.families // 2 - 1, first=args.families // 2)
    print(f"filled {args.families} families in {time.perf_counter() - started:.0f} s "
          f"({app.config['ONSPLAN'].database_path.stat().st_size / 1e6:.0f} MB)")
    with app.app_context():
        family_id = get_meta(get_store().db, "demo_family")

    client = app.test_client()
    Actions(client).login("fatima")
    cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    home = client.get("/home").get_data(as_text=True)
    plan_url = re.search(r'href="(/kind/[^"/]+)"', home).group(1)
    goal_url = re.search(r'href="(/kind/[^"]+/doel/[^"]+)"', home).group(1)
    sizes = first_visit_bytes(client, plan_url)  # the demo family's plan, before it grows
    work = Work(app)
    pages = (("home", "/home"), ("plan", plan_url), ("goal", goal_url))
    over_http = HttpClient(app, cookie)
    print(f"\nserver time over {args.requests} requests (ms), warm (after one request), Flask test client"
          "\nand real HTTP on loopback; records = records of the measured family")
    print("  records  page   p50     p95   http p50  http p95  unwraps  decrypts   budget p95")
    for size in [0, *(int(n) for n in args.sizes.split(","))]:
        if size:
            grow(app, family_id, size)
        records = family_size(app, family_id)
        for name, url in pages:
            values = timings(client, url, args.requests)
            unwraps, decrypts = work.last
            http_values = over_http.timings(url, args.requests // 3)
            print(f"  {records:7d}  {name:<5} {statistics.median(values):6.2f}  {percentile(values, 95):6.2f}"
                  f"   {statistics.median(http_values):6.2f}    {percentile(http_values, 95):6.2f}"
                  f"   {unwraps:6d}  {decrypts:8d}      15")
    over_http.close()

    raw, compressed = sum(r for r, _ in sizes.values()), sum(c for _, c in sizes.values())
    print("\nfirst visit of the plan page (bytes)      raw  served")
    for name, (r, c) in sizes.items():
        print(f"  {name:<36} {r:7d} {c:6d}")
    print(f"  {'total':<36} {raw:7d} {compressed:6d}   budget 51200 (served)")


if __name__ == "__main__":
    main()
