"""Betrokkenen: the organisations and professionals involved in a child's plan."""
from __future__ import annotations

from dataclasses import dataclass

from webapp.records import RecordStore


@dataclass(frozen=True)
class Involved:
    """One organisation (and its professional) involved with one or more children of the family."""

    id: str                # the logical item id (stable across versions)
    organisation_id: str   # the organisation's id in the hub's directory
    organisation: str
    sector: str            # school, wijkteam, jgz, … (see consent.rules.domain_for_sector)
    professional: str
    role: str              # regisseur, mentor, jeugdverpleegkundige, …
    contact: str
    is_regisseur: bool
    children: tuple[str, ...]


def _involved(item: str, body: dict) -> Involved:
    return Involved(
        id=item, organisation_id=body.get("organisation_id", item), organisation=body["organisation"],
        sector=body["sector"], professional=body.get("professional", ""), role=body.get("role", ""),
        contact=body.get("contact", ""), is_regisseur=bool(body.get("regisseur")),
        children=tuple(body.get("children", ())),
    )


def involved_for_family(store: RecordStore, family_id: str) -> list[Involved]:
    """Everyone involved with any child of the family; the regisseur first."""
    people = [_involved(r.item, r.body) for r in store.current(family_id, ["involved"]) if not r.body.get("removed")]
    return sorted(people, key=lambda i: (not i.is_regisseur, i.organisation))


def involved_for_child(store: RecordStore, family_id: str, child_id: str) -> list[Involved]:
    """The organisations involved in this child's plan; the regisseur first."""
    return [i for i in involved_for_family(store, family_id) if child_id in i.children]


def regisseur_for_child(store: RecordStore, family_id: str, child_id: str) -> Involved | None:
    """The one coordinating professional of this child's plan, if one is named."""
    return next((i for i in involved_for_child(store, family_id, child_id) if i.is_regisseur), None)
