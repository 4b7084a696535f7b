"""Family page: who is in the family, adding a child or the other parent, inviting them."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.auth import family_required, parent_required, queries
from webapp.db import get_db, transaction
from webapp.family.forms import ChildForm, InviteForm, ParentForm
from webapp.family.invitations import issue_invitation
from webapp.limits import MAX_CHILDREN, MAX_PARENTS
from webapp.people.access import current_members
from webapp.people.members import add_member, may_have_youth_account
from webapp.records import get_store
from webapp.render import render

bp = Blueprint("family", __name__)


def _invitable(members, accounts_by_person, today):
    """People who can be invited now: parents without an account, children of 12+ without one."""
    return [p for p in members if p.id not in accounts_by_person
            and (p.role == "parent" or may_have_youth_account(p, today))]


def _page(child_form=None, parent_form=None, invite_form=None, new_code=None, status=200):
    db = get_db()
    today = current_app.config["ONSPLAN"].today()
    members = current_members()
    accounts = {p.id: queries.account_for_person(db, p.id) for p in members}
    accounts = {pid: a for pid, a in accounts.items() if a}
    invitable = _invitable(members, accounts, today)
    invite_form = invite_form or InviteForm()
    invite_form.person_id.choices = [("", _("Choose a person"))] + [(p.id, p.name) for p in invitable]
    open_invites = {i["person_id"]: i for i in queries.open_invitations_for_family(db, current_user.family_id)}
    return render("family/page.html", members=members, accounts=accounts, open_invites=open_invites,
                  invitable=invitable, today=today, child_form=child_form or ChildForm(prefix="child"),
                  parent_form=parent_form or ParentForm(prefix="parent"), invite_form=invite_form,
                  new_code=new_code, status=status)


@bp.get("/gezin")
@family_required
def page():
    """Show the family: parents, children, who has an account, open invitations."""
    return _page()


@bp.post("/gezin/kind")
@parent_required
def add_child():
    """Add a child to the family (parents only)."""
    form = ChildForm(prefix="child", today=current_app.config["ONSPLAN"].today())
    if not form.validate_on_submit():
        return _page(child_form=form, status=422)
    if sum(p.is_child for p in current_members()) >= MAX_CHILDREN:
        form.form_errors.append(_("A family in OnsPlan has at most %(n)s children.", n=MAX_CHILDREN))
        return _page(child_form=form, status=422)
    add_member(get_store(), family_id=current_user.family_id, author=current_user.person_id,
               name=form.name.data, role="child", birth_date=form.birth_date.data,
               school_stage=form.school_stage.data)
    flash(_("%(name)s is added to your family.", name=form.name.data), "success")
    return redirect(url_for("family.page"), 303)


@bp.post("/gezin/ouder")
@parent_required
def add_parent():
    """Add the other parent or verzorger (parents only); invite them next."""
    form = ParentForm(prefix="parent")
    if not form.validate_on_submit():
        return _page(parent_form=form, status=422)
    if sum(p.role == "parent" for p in current_members()) >= MAX_PARENTS:
        form.form_errors.append(_("A family in OnsPlan has at most %(n)s parents and carers.", n=MAX_PARENTS))
        return _page(parent_form=form, status=422)
    add_member(get_store(), family_id=current_user.family_id, author=current_user.person_id,
               name=form.name.data, role="parent", has_gezag=form.has_gezag.data)
    flash(_("%(name)s is added. You can now make an invitation code.", name=form.name.data), "success")
    return redirect(url_for("family.page"), 303)


@bp.post("/gezin/uitnodigen")
@parent_required
def invite():
    """Make a one-time invitation code for the other parent or a youth of 12+ (parents only)."""
    db = get_db()
    config = current_app.config["ONSPLAN"]
    members = current_members()
    accounts = {p.id for p in members if queries.account_for_person(db, p.id)}
    invitable = {p.id: p for p in _invitable(members, accounts, config.today())}
    form = InviteForm()
    form.person_id.choices = [(pid, p.name) for pid, p in invitable.items()]
    if not form.validate_on_submit():
        if form.person_id.data and form.person_id.data not in invitable:
            form.person_id.errors = [_("This person cannot be invited. A youth account is possible from age 12.")]
        return _page(invite_form=form, status=422)
    person = invitable[form.person_id.data]
    with transaction(db):
        code, expires_at = issue_invitation(
            db, family_id=current_user.family_id, role="parent" if person.role == "parent" else "youth",
            person_id=person.id, created_by=current_user.person_id, days=config.invitation_days)
    return _page(new_code={"code": code, "name": person.name, "expires_at": expires_at})
