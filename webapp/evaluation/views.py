"""Evaluatie in the family space: answer at an evaluation moment, see results over time.

Every view starts with an access helper (404 for an unknown child or moment, 403 for a
sibling's plan or a role the person does not answer in). Routes stay thin: parse → rule →
store one record → render.
"""
from __future__ import annotations

import uuid
from datetime import date

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from webapp.auth import family_required
from webapp.evaluation import rules, texts
from webapp.evaluation.access import (SLUG_OF, is_open, load_moment, load_plan, my_respondents, registry,
                                      respondent_or_abort)
from webapp.evaluation.answers import check_answers, form_values
from webapp.evaluation.chart import line_chart
from webapp.evaluation.queries import is_stored, load_responses, save_response, sent_moments
from webapp.evaluation.questionnaires import UnknownQuestionnaire, ask, goals_in_scope
from webapp.evaluation.responses import Response, ResponseVersion, body_of, response_body
from webapp.evaluation.results import Answered, GoalProgress, asked_in, goal_progress, t_scores, trend
from webapp.evaluation.scoring import RHO
from webapp.consent.readers import organisations_reading, who_sees_plan
from webapp.consent.rules import InfoKind
from webapp.people.access import current_members
from webapp.plan.access import today
from webapp.records import get_store
from webapp.render import after_change, render

bp = Blueprint("evaluation", __name__, url_prefix="/kind/<child_id>/evaluatie")


@bp.context_processor
def _context():
    return {"texts": texts, "today": today(), "slug_of": SLUG_OF, "rules": rules}


@bp.app_template_test("open_for_answers")
def _open_for_answers(moment, day: date) -> bool:
    """``{% if moment is open_for_answers(today) %}`` in any template (home, plan)."""
    return rules.is_open(moment.on, moment.closed, day)


@bp.app_template_filter("one_decimal")
def _one_decimal(value: float) -> str:
    return format_decimal(value, "0.0")


# -- results ------------------------------------------------------------------------------

@bp.get("")
@family_required
def results(child_id):
    """Results over time: per goal a chart with a table of the same values, and T-scores with their inputs."""
    child, me, plan = load_plan(child_id)
    dates = {m.id: m.on for m in plan.moments}
    answered = [Answered(version, _name(version, child), dates[version.moment])
                for response in _responses(child) if response.moment in dates
                for version in [response.visible_submitted(current_user.person_id, current_user.role)] if version]
    titles = {g.id: g.current.title for g in plan.goals}
    progress = goal_progress(answered, registry(), titles)
    sent = sent_moments(get_store(), current_user.family_id, child.id, current_user.person_id)
    return render("evaluation/results.html", child=child, plan=plan, rho=RHO, sent=sent,
                  charts=[(p, progress_chart(p), texts.trend_sentence(trend(p), me=_own_name(child)))
                          for p in progress],
                  scores=t_scores(answered, registry(), titles))


def progress_chart(progress: GoalProgress):
    """The chart of one goal's progress (also on the hub's evaluation page)."""
    index = {day: i for i, day in enumerate(progress.dates)}
    values = [o.value for o in progress.options]
    return line_chart([format_date(day, "d MMM") for day in progress.dates], values,
                      [texts.scale_tick(progress.kind, v) for v in values],
                      [(s.name, {index[day]: v for day, v in s.values.items()}) for s in progress.series])


# -- one moment ---------------------------------------------------------------------------

@bp.get("/<moment_id>")
@family_required
def moment(child_id, moment_id):
    """One evaluation moment: is it open, your own answers, and the answers of others you may see."""
    child, me, plan, moment = load_moment(child_id, moment_id)
    responses = [r for r in _responses(child) if r.moment == moment.id]
    mine = []
    for respondent in my_respondents(child):
        item = rules.response_item(moment.id, respondent, current_user.person_id, child.id)
        mine.append((respondent, next((r for r in responses if r.item == item), None)))
    own_items = {r.item for _, r in mine if r}
    others = [(version, _name(version, child)) for r in responses if r.item not in own_items
              for version in [r.visible_submitted(current_user.person_id, current_user.role)] if version]
    return render("evaluation/moment.html", child=child, plan=plan, moment=moment, mine=mine, others=others,
                  open=is_open(moment), goals=goals_in_scope(plan, moment))


# -- answering ----------------------------------------------------------------------------

@bp.route("/<moment_id>/<slug>", methods=["GET", "POST"])
@family_required
def answer(child_id, moment_id, slug):
    """Answer at this moment: save a draft, send (locks the answers), or change sent answers (a new version)."""
    child, me, plan, moment = load_moment(child_id, moment_id)
    page = _AnswerPage(child, me, plan, moment, respondent_or_abort(slug, child))
    if request.method == "POST":
        return page.save()
    response, changing = page.response, request.args.get("wijzigen") == "1"
    if page.open and (response is None or not response.current.submitted or changing):
        return page.form(form_values(response.current.answers) if response else {},
                         saved=request.args.get("bewaard") == "1")
    return page.view()


class _AnswerPage:
    """The answer page of one respondent at one moment: the form, or the sent answers read-only."""

    def __init__(self, child, me, plan, moment, respondent: str):
        self.child, self.me, self.plan, self.moment, self.respondent = child, me, plan, moment, respondent
        self.item = rules.response_item(moment.id, respondent, current_user.person_id, child.id)
        self.response = _response(child, self.item)
        self.open = is_open(moment)
        self.questionnaire = registry().current(rules.questionnaire_for(respondent, moment.closing))
        self.goals = goals_in_scope(plan, moment)
        self.asked = ask(self.questionnaire, self.goals)
        self.url = url_for("evaluation.answer", child_id=child.id, moment_id=moment.id, slug=SLUG_OF[respondent])

    def _render(self, status=200, **context):
        shown = self.response.submitted if self.response else None
        return render("evaluation/answer.html", "evaluation/_answer_form.html", status=status,
                      child=self.child, plan=self.plan, moment=self.moment, respondent=self.respondent,
                      response=self.response, open=self.open, url=self.url, shown=shown,
                      shown_asked=_asked_or_none(shown),
                      who=who_reads_answers(self.child, self.respondent, self.response), **context)

    def form_context(self, values: dict, errors: dict | None = None, share: bool | None = None, **extra):
        if share is None:
            share = self.response.shared if self.response else False
        return dict(questionnaire=self.questionnaire, asked=self.asked, values=values,
                    errors={key: texts.error_message(code) for key, code in (errors or {}).items()},
                    version=self.response.editable_version() if self.response else 1, share=share,
                    client_id=str(uuid.uuid4()), editing=True, **extra)

    def form(self, values: dict, status: int = 200, **kwargs):
        return self._render(status=status, **self.form_context(values, **kwargs))

    def view(self, status: int = 200, error: str | None = None):
        return self._render(status=status, editing=False, error=error, client_id=str(uuid.uuid4()))

    def save(self):
        form = request.form
        client_id = form.get("client_id", "")
        raw = {q.key: form.get(f"q-{q.key}", "") for q in self.asked}
        kept = {key: value.strip() for key, value in raw.items() if value.strip()}
        share = self.respondent == rules.YOUTH and form.get("share") == "1"
        if not _is_uuid(client_id):
            return self.form(kept, status=422, share=share, error=str(texts.FORM_DAMAGED))
        if is_stored(get_store(), current_user.family_id, client_id):
            return redirect(self.url, 303)  # sent twice: the first one counted
        if not self.open:
            return self.view(status=409, error=str(texts.CLOSED))
        if (form.get("questionnaire"), form.get("questionnaire_version")) != (
                self.questionnaire.id, str(self.questionnaire.version)):
            return self.form(kept, status=422, share=share, error=str(texts.QUESTIONNAIRE_CHANGED))
        version = self.response.editable_version() if self.response else 1
        if form.get("version") != str(version):
            sent = self.response is not None and self.response.current.submitted
            return self.view(status=409, error=str(texts.ALREADY_SENT if sent else texts.STALE))
        submit = form.get("action") == "submit"
        checked = check_answers(self.asked, raw, complete=submit)
        if not checked.ok:
            return self.form(checked.kept, status=422, errors=checked.errors, share=share)
        body = response_body(
            item=self.item, moment=self.moment.id, respondent=self.respondent, questionnaire=self.questionnaire.id,
            questionnaire_version=self.questionnaire.version, version=version,
            status=rules.SUBMITTED if submit else rules.DRAFT, answers=checked.answers, goals=self.goals,
            shared_with_parents=share, by=_author(self.me), saved_on=today())
        try:
            save_response(get_store(), family_id=current_user.family_id, child_id=self.child.id,
                          author_id=current_user.person_id, body=body, record_id=client_id)
        except ValueError:  # the id belongs to a record of another family
            return self.form(kept, status=422, share=share, error=str(texts.FORM_DAMAGED))
        if submit:
            flash(_("Thank you. Your answers are sent."), "success")
            return redirect(self.url, 303)
        self.response = _response(self.child, self.item)
        return after_change(f"{self.url}?bewaard=1", "evaluation/_answer_form.html",
                            child=self.child, moment=self.moment, respondent=self.respondent, url=self.url,
                            open=self.open, **self.form_context(checked.kept, share=share, saved=True))


@bp.post("/<moment_id>/<slug>/delen")
@family_required
def share(child_id, moment_id, slug):
    """A youth shows their answers at this moment to their parents, or stops showing them."""
    child, me, plan, moment = load_moment(child_id, moment_id)
    if respondent_or_abort(slug, child) != rules.YOUTH:
        abort(404)
    item = rules.response_item(moment.id, rules.YOUTH, current_user.person_id, child.id)
    response = _response(child, item)
    if response is None:
        abort(404)
    wanted = request.form.get("share") == "1"
    client_id = request.form.get("client_id", "")
    if not _is_uuid(client_id):
        abort(422)
    if wanted != response.shared and not is_stored(get_store(), current_user.family_id, client_id):
        try:
            save_response(get_store(), family_id=current_user.family_id, child_id=child.id,
                          author_id=current_user.person_id, record_id=client_id,
                          body=body_of(response.current, shared_with_parents=wanted, by=_author(me)))
        except ValueError:  # the id belongs to a record of another family
            abort(422)
    response = _response(child, item)
    url = url_for("evaluation.answer", child_id=child.id, moment_id=moment.id, slug=SLUG_OF[rules.YOUTH])
    return after_change(url, "evaluation/_share.html", child=child, moment=moment, response=response,
                        client_id=str(uuid.uuid4()), changed=True,
                        who=who_reads_answers(child, rules.YOUTH, response))


def who_reads_answers(child, respondent: str, response) -> dict:
    """Who can read these answers once sent: in the family (by the evaluation rules) and outside it
    (by the family's consent decisions, legal grounds and emergencies, per organisation)."""
    members = current_members()
    day = today()
    if respondent == rules.YOUTH:
        family = (_("In your family: you and your parents. They see the answers you sent.")
                  if response is not None and response.shared
                  else _("In your family: only you. Your parents do not see your answers."))
    else:  # a parent's sent answers are seen by the other parents and by the youth of the plan
        return who_sees_plan(get_store(), current_user.family_id, members, child, current_user.person_id,
                             InfoKind.EVALUATIONS, day)
    readers = organisations_reading(get_store(), current_user.family_id, members, child, InfoKind.EVALUATIONS, day)
    return {"family": family, "readers": readers}


# -- one stored version -------------------------------------------------------------------

@bp.get("/antwoord/<record_id>")
@family_required
def version(child_id, record_id):
    """One stored version of an answer, with the questions of its own questionnaire version.

    404 when there is no such version or the signed-in person may not see it (a youth's
    unshared answers, someone else's draft): parents do not even learn that it exists.
    """
    child, me, plan = load_plan(child_id)
    for response in _responses(child):
        for shown in response.visible_versions(current_user.person_id, current_user.role):
            if shown.record_id == record_id:
                moment = next((m for m in plan.moments if m.id == shown.moment), None)
                return render("evaluation/version.html", child=child, plan=plan, moment=moment, shown=shown,
                              shown_asked=_asked_or_none(shown), name=_name(shown, child), response=response)
    abort(404)


# -- small helpers ------------------------------------------------------------------------

def _responses(child) -> list[Response]:
    return load_responses(get_store(), current_user.family_id, child.id)


def _response(child, item: str) -> Response | None:
    """The signed-in person's answer with this item, as stored now (None before the first save)."""
    return next((r for r in _responses(child) if r.item == item), None)


def _own_name(child) -> str | None:
    """The youth's own name in their own results (they read "jij"), else None."""
    return child.name if current_user.person_id == child.id else None


def _name(version: ResponseVersion, child) -> str:
    return texts.respondent_name(version.respondent, version.author_name, child.name)


def _author(me) -> dict[str, str]:
    return {"side": "family", "id": current_user.person_id, "name": me.name if me else ""}


def _asked_or_none(version: ResponseVersion | None):
    """The questions as this version was asked, or None when its questionnaire version is unknown."""
    if version is None:
        return None
    try:
        return asked_in(version, registry())
    except UnknownQuestionnaire:
        return None


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
