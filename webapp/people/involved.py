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


def _current_record(store: RecordStore, family_id: str, item: str):
    return next((r for r in store.current(family_id, ["involved"]) if r.item == item), None)


def involve_organisation(store: RecordStore, family_id: str, author: str, *, organisation_id: str,
                         organisation: str, sector: str, children: list[str], professional: str = "",
                         role: str = "", contact: str = "", regisseur: bool = False,
                         family_wide: bool = False, record_id: str | None = None) -> Involved:
    """Record that an organisation of the hub's directory works with these children. ``family_wide``:
    it came with the family's invitation, so a child added later is included too. An organisation
    that was involved before gets a new version of the same item (it is one organisation)."""
    body = {"organisation_id": organisation_id, "organisation": organisation, "sector": sector,
            "professional": professional, "role": role, "contact": contact, "regisseur": regisseur,
            "children": list(dict.fromkeys(children)), "family_wide": family_wide}
    earlier = next((r for r in store.current(family_id, ["involved"])
                    if r.body.get("organisation_id", r.item) == organisation_id), None)
    if earlier is not None:
        body["item"] = earlier.item
        if earlier.body.get("regisseur") and not earlier.body.get("removed"):
            body.update(regisseur=True, professional=professional or earlier.body.get("professional", ""),
                        role=role or earlier.body.get("role", ""))
    record = store.write(family_id=family_id, kind="involved", author=author, body=body,
                         replaces=earlier.id if earlier else None, record_id=record_id)
    return _involved(record.item, record.body)


def change_involvement(store: RecordStore, family_id: str, author: str, involved: Involved,
                       children: list[str] | None = None, removed: bool = False,
                       record_id: str | None = None) -> None:
    """A new version: other children, or not involved any more (the consent page stops offering it;
    what was shared stops at the next sync round, because nobody reads for an organisation that is
    not involved)."""
    current = _current_record(store, family_id, involved.id)
    if current is None:
        raise LookupError("not involved")
    body = {**current.body, "item": involved.id}
    if children is not None:
        body["children"] = list(dict.fromkeys(children))
    if removed:
        body.update(removed=True, regisseur=False, family_wide=False)
    store.write(family_id=family_id, kind="involved", author=author, body=body, replaces=current.id,
                record_id=record_id)


def include_new_child(store: RecordStore, family_id: str, author: str, child_id: str) -> None:
    """A child added to the family joins every involvement that came with the family's invitation."""
    for involved in involved_for_family(store, family_id):
        current = _current_record(store, family_id, involved.id)
        if current is not None and current.body.get("family_wide") and child_id not in involved.children:
            change_involvement(store, family_id, author, involved, [*involved.children, child_id])
