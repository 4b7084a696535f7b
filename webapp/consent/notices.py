"""Notices about consent for the signed-in family member, shown on the home page.

The home page calls ``consent_notices`` and includes ``templates/consent/_notices.html``
with the result in the template variable ``consent_notices``.
"""
from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import gettext as _

from webapp.consent import texts
from webapp.consent.access import counting_decisions, domain_of
from webapp.consent.outlook import Choice, Outlook, last_rule_change, outlook, paused_by_birthday
from webapp.consent.overview import kinds_for
from webapp.consent.rules import DeciderRole, Domain
from webapp.consent.store import ConsentFacts, load_consent_facts
from webapp.people.access import decider_role, visible_children
from webapp.people.ages import age_on
from webapp.people.involved import involved_for_child
from webapp.people.members import Person
from webapp.records import RecordStore

BIRTHDAY_NOTICE_DAYS = 30


def consent_notices(store: RecordStore, user, today: date, members: list[Person]) -> list[dict]:
    """What this person should decide or know about consent now, one notice per child and reason.

    ``user`` is the signed-in ``FamilyMember``, ``members`` their family. Each notice is a dict:

    - ``type``: ``"birthday"`` (a birthday of 12, 16 or 18 changed who decides: shown while
      sharing is paused until the youth decides, and for 30 days after the birthday until the
      youth takes a decision) or ``"waiting_for_you"`` (someone said yes; sharing starts only
      when this person agrees too);
    - ``child_id``, ``child_name``: whom it is about;
    - ``message``: one or more translated sentences;
    - ``items``: translated lines "organisation: kind of information" (may be empty for a birthday);
    - ``url``, ``link_text``: the consent page of that child, where the person decides.

    A parent sees notices about all children, a youth only about themself; a child with no
    organisation involved gets no notice (there is nothing to decide yet).
    """
    children = [p for p in visible_children(members, user.role, user.person_id)
                if p.birth_date and p.birth_date <= today]
    facts = load_consent_facts(store, user.family_id)
    notices = []
    for child in children:
        involved_with_child = involved_for_child(store, user.family_id, child.id)
        if not involved_with_child:
            continue  # with no organisation involved there is nothing to decide yet
        role = decider_role(user.role, user.person_id, members, child)
        paused: list[str] = []
        asked: list[str] = []
        birthdays = [day for day in (_recent_rule_change(facts, child, today),) if day]
        for involved in involved_with_child:
            domain = domain_of(involved)
            for kind in kinds_for(child, today):
                decisions = counting_decisions(facts.decisions_about(child.id, involved.organisation_id, kind),
                                               members, child)
                if paused_by_birthday(child.id, child.birth_date, domain, decisions, today):
                    paused.append(_line(involved, kind, child))
                    birthdays.append(last_rule_change(child.birth_date, domain, today))
                elif _asked(outlook(user.person_id, role, child.birth_date, domain, decisions, today), role):
                    asked.append(_line(involved, kind, child))
        if birthdays:
            notices.append(_birthday_notice(user, child, max(birthdays), paused))
        if asked:
            notices.append(_notice("waiting_for_you", child, asked, _waiting_message(user, child)))
    return notices


def _line(involved, kind, child: Person) -> str:
    return f"{involved.organisation}: {texts.kind_label(kind, child.name)}"


def _recent_rule_change(facts: ConsentFacts, child: Person, today: date) -> date | None:
    """The birthday that changed who decides, if it was less than 30 days ago and the youth has not decided since."""
    changes = [day for day in (last_rule_change(child.birth_date, domain, today) for domain in Domain) if day]
    birthday = max(changes, default=None)
    if birthday is None or (today - birthday).days >= BIRTHDAY_NOTICE_DAYS:
        return None
    decided = any(d.decision.person_id == child.id and d.decision.decided_on >= birthday
                  for d in facts.decisions if d.child_id == child.id)
    return None if decided else birthday


def _asked(view: Outlook, role: DeciderRole | None) -> bool:
    """True when this person is asked to agree: sharing waits for their yes."""
    return Choice.GRANT in view.choices and Choice.DECLINE in view.choices and role in view.waiting_for


def _birthday_notice(user, child: Person, birthday: date, paused: list[str]) -> dict:
    age = age_on(child.birth_date, birthday)
    youth = user.role == "youth"
    if age >= 18:
        change = (_("From now on you decide alone about sharing with school.") if youth else
                  _("From now on %(name)s decides alone about sharing with school.", name=child.name))
    elif age >= 16:
        change = (_("From now on you decide alone about sharing with help and health.") if youth else
                  _("From now on %(name)s decides alone about sharing with help and health.", name=child.name))
    else:
        change = (_("From now on you decide together with your parents about sharing with help and health.")
                  if youth else _("From now on %(name)s decides together with you about sharing with help and "
                                  "health.", name=child.name))
    sentences = [_("You turned %(age)s.", age=age) if youth else
                 _("%(name)s turned %(age)s.", name=child.name, age=age), change]
    if paused:
        sentences.append(_("Sharing this has stopped until you decide:") if youth else
                         _("Sharing this has stopped until %(name)s decides:", name=child.name))
    return _notice("birthday", child, paused, " ".join(sentences))


def _waiting_message(user, child) -> str:
    if user.role == "youth":
        return _("Your parents want to share this. It is shared only when you agree too:")
    return _("%(name)s wants to share this. It is shared only when a parent with parental authority "
             "agrees too:", name=child.name)


def _notice(kind: str, child, items: list[str], message: str) -> dict:
    return {"type": kind, "child_id": child.id, "child_name": child.name, "message": message, "items": items,
            "url": url_for("consent.child", child_id=child.id), "link_text": _("Decide about sharing")}
