"""Benchmark: the plan pages with many families in the database, and the weight of a first visit.

Budgets (ARCHITECTURE.md): server time p95 <= 15 ms for the home and goal pages with
10,000 families; a first visit of the plan page <= 50 KB compressed (HTML + CSS + JS).

    python bench/plan_page.py [--families 10000] [--requests 300]

Prints a small report; numbers depend on the machine, so compare runs on one machine.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import Actions, make_app  # noqa: E402
from webapp.auth import queries  # noqa: E402
from webapp.auth.passwords import hash_password  # noqa: E402
from webapp.db import get_db, transaction  # noqa: E402
from webapp.demo import seed_family  # noqa: E402
from webapp.family.members import add_member  # noqa: E402
from webapp.plan.queries import PlanWriter  # noqa: E402
from webapp.records import add_record, clock, create_family, node_key  # noqa: E402
from sync.record import new_record_id  # noqa: E402


def fill(app, families: int, first: int = 0) -> None:
    """Families like the demo one: two parents, two children, goals, afspraken, a moment."""
    today = date.today()
    with app.app_context():
        db, keys, hlc = get_db(), node_key(), clock()
        password = hash_password("bench-password-123")
        done = first
        families += first
        while done < families:
            with transaction(db):
                for _ in range(min(500, families - done)):
                    family_id = create_family(db, keys)
                    mum = add_member(db, keys, hlc, family_id=family_id, author="bench", name=f"Ouder {done}", role="parent")
                    add_member(db, keys, hlc, family_id=family_id, author="bench", name=f"Ouder B {done}", role="parent")
                    for age in (8, 13):
                        child = add_member(db, keys, hlc, family_id=family_id, author=mum.id, name=f"Kind {done}-{age}",
                                           role="child", birth_date=today - timedelta(days=365 * age + 30))
                        writer = PlanWriter(db, keys, hlc, family_id, {"side": "family", "id": mum.id, "name": mum.name})
                        for n in range(3):
                            goal = writer.propose_goal(child.id, life_domain="school", title=f"Doel {n} voor {age}",
                                                       strengths="Sterk", gas=None)
                            writer.add_afspraak(child.id, goal_id=goal, who={"kind": "person", "id": mum.id,
                                                "label": mum.name}, what=f"Afspraak {n}", due=today + timedelta(days=n))
                        add_record(db, keys, hlc, family_id=family_id, kind="evaluation_moment", author="bench",
                                   subject=child.id, body={"item": new_record_id(), "date": (today + timedelta(days=20)).isoformat(),
                                                           "title": "Evaluatie", "goals": [], "participants": []})
                    queries.create_account(db, id=new_record_id(), family_id=family_id, person_id=mum.id, role="parent",
                                           login_hash=keys.lookup_hash("login", f"bench{done}"), password_hash=password)
                    done += 1
            print(f"  {done} families", file=sys.stderr, end="\r")
    print(file=sys.stderr)


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="onsplan-bench-"))
    app = make_app("family", data)
    started = time.perf_counter()
    fill(app, args.families // 2)
    seed_family(app)  # the demo family in the middle of the others
    fill(app, args.families - args.families // 2 - 1, first=args.families // 2)
    print(f"filled {args.families} families in {time.perf_counter() - started:.0f} s "
          f"({app.config['ONSPLAN'].database_path.stat().st_size / 1e6:.0f} MB)")

    client = app.test_client()
    Actions(client).login("fatima")
    home = client.get("/home").get_data(as_text=True)
    plan_url = re.search(r'href="(/kind/[^"/]+)"', home).group(1)
    goal_url = re.search(r'href="(/kind/[^"]+/doel/[^"]+)"', home).group(1)
    print(f"\nserver time over {args.requests} requests (ms)   p50     p95    budget p95")
    for name, url in (("home", "/home"), ("plan", plan_url), ("goal", goal_url)):
        values = timings(client, url, args.requests)
        print(f"  {name:<40} {statistics.median(values):6.2f}  {percentile(values, 95):6.2f}   15")

    sizes = first_visit_bytes(client, plan_url)
    raw, compressed = sum(r for r, _ in sizes.values()), sum(c for _, c in sizes.values())
    print("\nfirst visit of the plan page (bytes)      raw  served")
    for name, (r, c) in sizes.items():
        print(f"  {name:<36} {r:7d} {c:6d}")
    print(f"  {'total':<36} {raw:7d} {compressed:6d}   budget 51200 (served)")


if __name__ == "__main__":
    main()
