"""Who answers what, when, and who sees it (pure: no Flask, no storage).

- An evaluation moment is **open** for answers from ``OPEN_DAYS_BEFORE`` days before its date
  until ``OPEN_DAYS_AFTER`` days after it, unless the regisseur closed it earlier.
- Every family member answers separately: a parent for themself; a youth (12+) for themself;
  a parent together with a child under 12 in the picture version (one answer per child).
- A submitted version is locked; changing it makes the next version. Drafts stay with who wrote them.
- A youth's answers are theirs: parents see them only while the youth shares them, and never drafts.
  A parent's submitted answers are seen by the other parent and by the youth whose plan it is.
"""
from __future__ import annotations

from datetime import date, timedelta

OPEN_DAYS_BEFORE = 14
OPEN_DAYS_AFTER = 28
PICTURE_VERSION_BELOW_AGE = 12

PARENT, YOUTH, CHILD = "parent", "youth", "child"
RESPONDENTS = (PARENT, YOUTH, CHILD)
DRAFT, SUBMITTED = "draft", "submitted"

REGULAR, PICTURE, CLOSING = "regular", "picture", "closing"
YOUTH_REGULAR, YOUTH_CLOSING = "youth", "youth_closing"  # the same questions, written to the youth


def open_from(on: date) -> date:
    return on - timedelta(days=OPEN_DAYS_BEFORE)


def open_until(on: date) -> date:
    return on + timedelta(days=OPEN_DAYS_AFTER)


def is_open(on: date, closed: bool, today: date) -> bool:
    """May answers be given for the moment on ``on`` today."""
    return not closed and open_from(on) <= today <= open_until(on)


def respondents_for(account_role: str, is_the_child: bool, child_age: int | None) -> tuple[str, ...]:
    """In which roles the signed-in person answers for this child: a parent also with a child under 12."""
    if account_role == "youth":
        return (YOUTH,) if is_the_child else ()
    if account_role == "parent":
        if child_age is not None and child_age < PICTURE_VERSION_BELOW_AGE:
            return (PARENT, CHILD)
        return (PARENT,)
    return ()


def questionnaire_for(respondent: str, closing: bool) -> str:
    """The questionnaire a respondent answers: pictures with a young child, the youth's own version
    for a youth, else regular or closing."""
    if respondent == CHILD:
        return PICTURE
    if respondent == YOUTH:
        return YOUTH_CLOSING if closing else YOUTH_REGULAR
    return CLOSING if closing else REGULAR


def response_item(moment_id: str, respondent: str, author_id: str, child_id: str) -> str:
    """The logical answer that versions belong to: one per moment and person (one per child for pictures).

    Made from its parts, so two first saves from two phones still become one answer.
    """
    owner = child_id if respondent == CHILD else author_id
    return f"{moment_id}:{respondent}:{owner}"


def editable_version(current_version: int | None, current_status: str | None) -> int:
    """The version a save now writes: the open draft, or the next version after a submitted one."""
    if current_version is None:
        return 1
    return current_version if current_status == DRAFT else current_version + 1


def sees_drafts(respondent: str, owner_id: str, viewer_id: str, viewer_role: str) -> bool:
    """Drafts are seen by who writes them; the picture version by every parent of the child."""
    if respondent == CHILD:
        return viewer_role == "parent"
    return owner_id == viewer_id


def sees_submitted(respondent: str, owner_id: str, shared: bool, viewer_id: str, viewer_role: str) -> bool:
    """Submitted answers: a youth's only while shared with parents; a parent's by the whole family."""
    if sees_drafts(respondent, owner_id, viewer_id, viewer_role):
        return True
    if respondent == YOUTH:
        return viewer_role == "parent" and shared
    return True
