"""Family page: who is in the family, adding a child or the other parent, inviting them; and
Betrokkenen: the school's or wijkteam's code, and which organisations work with which child."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sync.family import hub_directory
from sync.status import family_sync_status
from sync.wire import SyncError, normalise_code
from webapp.auth import family_required, parent_required, queries
from webapp.client_ids import form_client_id, sent_before
from webapp.consent.readers import what_organisation_reads
from webapp.consent.rules import Basis
from webapp.consent.texts import kind_label
from webapp.db import get_db, transaction
from webapp.family.forms import AddInvolvedForm, ChildForm, HubCodeForm, InviteForm, InvolvementForm, ParentForm
from webapp.family.hub_link import hub_code_problem, join_existing_family
from webapp.family.invitations import issue_invitation
from webapp.limits import MAX_CHILDREN, MAX_PARENTS
from webapp.people.access import children_of_current_user, current_members
from webapp.people.involved import change_involvement, include_new_child, involve_organisation, involved_for_family
from webapp.people.members import add_member, may_have_youth_account
from webapp.records import get_meta, get_store, node_key, set_meta
from webapp.render import render
from webapp.security import limiter

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
    if sent_before():
        return redirect(url_for("family.page"), 303)  # sent twice: one child
    form = ChildForm(prefix="child", today=current_app.config["ONSPLAN"].today())
    if not form.validate_on_submit():
        return _page(child_form=form, status=422)
    if sum(p.is_child for p in current_members()) >= MAX_CHILDREN:
        form.form_errors.append(_("A family in OnsPlan has at most %(n)s children.", n=MAX_CHILDREN))
        return _page(child_form=form, status=422)
    store = get_store()
    with transaction(store.db):
        child = add_member(store, family_id=current_user.family_id, author=current_user.person_id,
                           name=form.name.data, role="child", birth_date=form.birth_date.data,
                           school_stage=form.school_stage.data, record_id=form_client_id())
        include_new_child(store, current_user.family_id, current_user.person_id, child.id)
    flash(_("%(name)s is added to your family.", name=form.name.data), "success")
    return redirect(url_for("family.page"), 303)


@bp.post("/gezin/ouder")
@parent_required
def add_parent():
    """Add the other parent or verzorger (parents only); invite them next."""
    if sent_before():
        return redirect(url_for("family.page"), 303)  # sent twice: one parent
    form = ParentForm(prefix="parent")
    if not form.validate_on_submit():
        return _page(parent_form=form, status=422)
    if sum(p.role == "parent" for p in current_members()) >= MAX_PARENTS:
        form.form_errors.append(_("A family in OnsPlan has at most %(n)s parents and carers.", n=MAX_PARENTS))
        return _page(parent_form=form, status=422)
    add_member(get_store(), family_id=current_user.family_id, author=current_user.person_id,
               name=form.name.data, role="parent", has_gezag=form.has_gezag.data, record_id=form_client_id())
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
            person_id=person.id, created_by=current_user.person_id, days=config.invitation_days,
            invitation_id=form_client_id())
    return _page(new_code={"code": code, "name": person.name, "expires_at": expires_at})


# -- Betrokkenen: who works with which child ------------------------------------------------------

def _addable(organisations: dict, involved: list) -> list[tuple[str, str]]:
    """The organisations of the hub's directory that do not work with the family yet, by name."""
    involved_ids = {i.organisation_id for i in involved}
    return sorted(((o.id, o.name) for o in organisations.values() if o.id not in involved_ids),
                  key=lambda pair: pair[1])


def _reads_now(organisation_id: str, without_consent: bool = False) -> list[str]:
    """What this organisation may read now (only on a legal ground or in an emergency, with
    `without_consent`), as lines for the family: "Sam: Het plan en de doelen"."""
    members = current_members()
    return [f"{child.name}: {kind_label(kind, child.name)}" for child, kind, basis in what_organisation_reads(
        get_store(), current_user.family_id, members, organisation_id, current_app.config["ONSPLAN"].today())
        if not (without_consent and basis is Basis.CONSENT)]


def _involved_page(code_form=None, add_form=None, changed=None, status=200):
    store = get_store()
    family_id = current_user.family_id
    hub_name, organisations = hub_directory(store, family_id)
    children = children_of_current_user()
    involved = involved_for_family(store, family_id)
    if current_user.role != "parent":  # a youth sees who works with them, not with a brother or sister
        involved = [i for i in involved if set(i.children) & {c.id for c in children}]
    addable = _addable(organisations, involved_for_family(store, family_id))
    child_choices = [(c.id, c.name) for c in children]
    forms = {}
    for organisation in involved:
        if changed and changed[0] == organisation.id:
            forms[organisation.id] = changed[1]  # the form that was sent, with its message
            continue
        form = InvolvementForm(prefix=f"org-{organisation.id[:8]}", children=child_choices)
        form.children.data = [c for c in organisation.children if c in dict(child_choices)]
        forms[organisation.id] = form
    return render("family/involved.html", involved=involved, children=children, hub_name=hub_name,
                  joined=family_sync_status(store.db, family_id).joined, addable=addable, forms=forms,
                  names={c.id: c.name for c in children},
                  code_form=code_form or HubCodeForm(prefix="hub"),
                  add_form=add_form or AddInvolvedForm(prefix="add", organisations=addable, children=child_choices),
                  status=status)


def _involved_item(item_id: str):
    """The involvement with this id; 404 when the family has none."""
    found = next((i for i in involved_for_family(get_store(), current_user.family_id) if i.id == item_id), None)
    if found is None:
        abort(404)
    return found


@bp.get("/betrokkenen")
@family_required
def involved():
    """Who works with which child, and the school's or wijkteam's code to connect the plan."""
    return _involved_page()


@bp.post("/betrokkenen/code")
@parent_required
@limiter.limit(lambda: current_app.config["ONSPLAN"].login_rate_limit)
def join_hub_later():
    """A family that already uses OnsPlan connects with the hub of a school's or wijkteam's code (parents)."""
    form = HubCodeForm(prefix="hub")
    if not form.validate_on_submit():
        return _involved_page(code_form=form, status=422)
    mark = "joined-with-hub-code:" + node_key().lookup_hash("hub-code", normalise_code(form.code.data))
    if get_meta(get_db(), mark) == current_user.family_id:  # the same form sent twice: joined once
        return redirect(url_for("family.involved"), 303)
    try:
        joined = join_existing_family(get_store(), current_user.family_id, form.code.data)
    except SyncError as problem:
        form.code.errors.append(hub_code_problem(problem))
        return _involved_page(code_form=form, status=422)
    set_meta(get_db(), mark, current_user.family_id)
    name = joined.organisation.name if joined.organisation else ""
    flash(_("Your plan is connected with %(name)s. You decide what they may see on the page Consent.",
            name=name) if name else _("Your plan is connected. You decide what is shared on the page Consent."),
          "success")
    return redirect(url_for("family.involved"), 303)


@bp.post("/betrokkenen/toevoegen")
@parent_required
def add_involved():
    """Add an organisation of the hub's directory to one or more children (parents)."""
    if sent_before():
        return redirect(url_for("family.involved"), 303)  # sent twice: added once
    store = get_store()
    _hub_name, organisations = hub_directory(store, current_user.family_id)
    addable = _addable(organisations, involved_for_family(store, current_user.family_id))
    children = [(c.id, c.name) for c in children_of_current_user()]
    form = AddInvolvedForm(prefix="add", organisations=addable, children=children)
    if not form.validate_on_submit():
        return _involved_page(add_form=form, status=422)
    organisation = organisations[form.organisation_id.data]
    with transaction(store.db):
        involve_organisation(store, current_user.family_id, current_user.person_id, organisation_id=organisation.id,
                             organisation=organisation.name, sector=organisation.sector,
                             children=form.children.data, professional=form.professional.data,
                             contact=form.contact.data, record_id=form_client_id())
    reads = _reads_now(organisation.id)
    if reads:  # a yes given before it was taken off counts again, and so does a legal ground
        flash(_("%(name)s is added. They may see now: %(what)s. You change that on the page Consent.",
                name=organisation.name, what="; ".join(reads)), "success")
    else:
        flash(_("%(name)s is added. They see nothing until you share something on the page Consent.",
                name=organisation.name), "success")
    return redirect(url_for("family.involved", _anchor=f"org-{organisation.id}"), 303)


@bp.post("/betrokkenen/<item_id>")
@parent_required
def change_involved(item_id: str):
    """Change which children an organisation works with (parents)."""
    if sent_before():
        return redirect(url_for("family.involved"), 303)  # sent twice: changed once
    organisation = _involved_item(item_id)
    children = [(c.id, c.name) for c in children_of_current_user()]
    form = InvolvementForm(prefix=f"org-{organisation.id[:8]}", children=children)
    if not form.validate_on_submit():
        return _involved_page(changed=(organisation.id, form), status=422)
    store = get_store()
    with transaction(store.db):
        change_involvement(store, current_user.family_id, current_user.person_id, organisation, form.children.data,
                           record_id=form_client_id())
    names = ", ".join(c.name for c in children_of_current_user() if c.id in form.children.data)
    flash(_("Saved. %(name)s works with: %(children)s.", name=organisation.organisation, children=names),
          "success")
    return redirect(url_for("family.involved", _anchor=f"org-{organisation.organisation_id}"), 303)


@bp.route("/betrokkenen/<item_id>/stoppen", methods=["GET", "POST"])
@parent_required
def stop_involved(item_id: str):
    """Ask first, then record that an organisation no longer works with the family (parents)."""
    if request.method == "POST" and sent_before():
        return redirect(url_for("family.involved"), 303)  # sent twice: stopped once
    organisation = _involved_item(item_id)
    if request.method == "POST":  # CSRF is checked for every POST (webapp.security)
        store = get_store()
        with transaction(store.db):
            change_involvement(store, current_user.family_id, current_user.person_id, organisation, removed=True,
                               record_id=form_client_id())
        still = _reads_now(organisation.organisation_id)
        if still:  # a legal ground or an emergency is not consent: taking them off does not end it
            flash(_("%(name)s no longer works with your family in OnsPlan. Because of a legal ground or an "
                    "emergency they may still see: %(what)s.", name=organisation.organisation, what="; ".join(still)),
                  "success")
        else:
            flash(_("%(name)s no longer works with your family in OnsPlan. From the next update they see nothing "
                    "new of your plan.", name=organisation.organisation), "success")
        return redirect(url_for("family.involved"), 303)
    return render("family/stop_involved.html", organisation=organisation,
                  names=[c.name for c in children_of_current_user() if c.id in organisation.children],
                  still=_reads_now(organisation.organisation_id, without_consent=True))
