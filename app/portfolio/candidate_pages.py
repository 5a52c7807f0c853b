"""Candidate pages: the list, the board, create and edit forms, the candidate's page and
the decision form."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from app.access import can_access
from app.extensions import db
from app.i18n import current_language
from app.labels import DECISION_LABELS, PORTFOLIO_PROBLEMS
from app.lookup import get_or_404, id_arg, org_unit_choices, user_choices
from app.portfolio.blueprint import bp, deciders, editors, everyone
from app.portfolio.forms import CandidateEditForm, CandidateForm, DecisionForm
from app.security_log import log_event
from portfolio import candidates, funnels, reviews
from portfolio.decisions import allowed, record_decision
from portfolio.errors import DecisionError, InvalidCandidate
from portfolio.lifecycle import Decision, Status
from portfolio.models import Candidate, CandidateKind, RiskLevel

PER_PAGE = 25


def _filters(args: MultiDict[str, str]) -> candidates.CandidateFilter:
    """Filters from the query string; unknown values are ignored, never an error."""
    status = args.get("status", "")
    kind = args.get("kind", "")
    return candidates.CandidateFilter(
        funnel_id=id_arg(args, "funnel"),
        stage_id=id_arg(args, "stage"),
        status=Status(status) if status in Status._value2member_map_ else None,
        org_unit_id=id_arg(args, "unit"),
        owner_id=id_arg(args, "owner"),
        theme=args.get("theme", "")[:80],
        kind=CandidateKind(kind) if kind in CandidateKind._value2member_map_ else None,
        text=args.get("q", "")[:100],
    )


def _filter_args(args: MultiDict[str, str]) -> dict[str, str]:
    """The filter part of the query string, for links that keep the view."""
    names = ("funnel", "stage", "status", "unit", "owner", "theme", "kind", "q")
    return {name: args[name] for name in names if args.get(name)}


def _filter_options() -> dict[str, Any]:
    return {
        "funnels": funnels.list_funnels(db.session),
        "org_units": org_unit_choices(),
        "owners": user_choices(reviews.eligible_scorers(db.session)),
        "themes": candidates.themes(db.session),
    }


@bp.route("/")
@everyone
def index() -> str:
    args = request.args
    sort = args.get("sort", candidates.DEFAULT_SORT)
    sort = sort if sort in candidates.SORTS else candidates.DEFAULT_SORT
    descending = args.get("dir", "desc") != "asc"
    page = candidates.search_candidates(
        db.session,
        _filters(args),
        sort=sort,
        descending=descending,
        page=args.get("page", 1, type=int),
        per_page=PER_PAGE,
    )
    return render_template(
        "portfolio/list.html",
        page=page,
        filter_args=_filter_args(args),
        sort=sort,
        descending=descending,
        **_filter_options(),
    )


@bp.route("/board")
@everyone
def board() -> str:
    options = _filter_options()
    funnel_list = options["funnels"]
    if not funnel_list:
        return render_template("portfolio/board.html", columns=[], funnel=None, **options)
    wanted = id_arg(request.args, "funnel")
    funnel = next((f for f in funnel_list if f.id == wanted), funnel_list[0])
    columns = candidates.board(db.session, funnel.id, _filters(request.args))
    return render_template(
        "portfolio/board.html",
        columns=columns,
        funnel=funnel,
        filter_args=_filter_args(request.args),
        **options,
    )


def _candidate_form(form_class: type[CandidateForm], **kwargs: Any) -> Any:
    funnel_choices = [
        (str(f.id), f.name_zh if current_language() == "zh_Hans" and f.name_zh else f.name)
        for f in funnels.list_funnels(db.session)
    ]
    return form_class(funnels=funnel_choices, org_units=org_unit_choices(), **kwargs)


def _field_problem(form: CandidateForm, error: InvalidCandidate) -> None:
    form[error.field].errors.append(str(PORTFOLIO_PROBLEMS.get(error.code, error.code)))


@bp.route("/candidates/new", methods=["GET", "POST"])
@editors
def create_candidate() -> object:
    form = _candidate_form(CandidateForm)
    if not form.is_submitted():
        form.funnel_id.data = id_arg(request.args, "funnel")
        form.kind.data = CandidateKind.PROJECT
        form.risk_level.data = RiskLevel.MEDIUM
        form.org_unit_id.data = current_user.org_unit_id
    if form.validate_on_submit():
        try:
            candidate = candidates.create_candidate(
                db.session, form.funnel_id.data, form.fields(), actor_id=current_user.id
            )
        except InvalidCandidate as error:
            _field_problem(form, error)
        else:
            flash(
                gettext("Candidate “%(title)s” entered the funnel.", title=candidate.title),
                "success",
            )
            return redirect(url_for("portfolio.candidate", candidate_id=candidate.id))
    return render_template(
        "portfolio/candidate_form.html",
        form=form,
        candidate=None,
        themes=candidates.themes(db.session),
    )


@bp.route("/candidates/<int:candidate_id>/edit", methods=["GET", "POST"])
@editors
def edit_candidate(candidate_id: int) -> object:
    candidate = get_or_404(candidates.get_candidate, candidate_id)
    owners = user_choices(reviews.eligible_scorers(db.session))
    form = _candidate_form(CandidateEditForm, owners=owners, obj=candidate)
    if not form.is_submitted():
        form.show_percentages(candidate)
    if form.validate_on_submit():
        try:
            candidates.update_candidate(
                db.session,
                candidate_id,
                form.fields(),
                expected_version=form.version.data,
                owner_id=form.owner_id.data,
            )
        except InvalidCandidate as error:
            _field_problem(form, error)
        else:
            flash(gettext("Changes saved."), "success")
            return redirect(url_for("portfolio.candidate", candidate_id=candidate_id))
    return render_template(
        "portfolio/candidate_form.html",
        form=form,
        candidate=candidate,
        themes=candidates.themes(db.session),
    )


def _stage_index(candidate: Candidate) -> int:
    return next(i for i, s in enumerate(candidate.funnel.stages) if s.id == candidate.stage_id)


def _recycle_targets(candidate: Candidate) -> list[tuple[str, str]]:
    """Stages a recycle may lead to: earlier ones, and for a killed candidate its own."""
    index = _stage_index(candidate)
    last = index if candidate.status == Status.KILLED else index - 1
    language = current_language()
    return [(str(s.id), s.label(language)) for s in candidate.funnel.stages[: last + 1]]


def decision_form(candidate: Candidate) -> DecisionForm:
    """The decision form for `candidate`: it accepts any move, so that the service can say
    why a wrong one is refused; `show_allowed` narrows it for display."""
    language = current_language()
    form = DecisionForm(stages=[(str(s.id), s.label(language)) for s in candidate.funnel.stages])
    if not form.is_submitted():
        form.version.data = candidate.version
    return form


def show_allowed(form: DecisionForm, candidate: Candidate, *, review_open: bool) -> bool:
    """Offer only the moves the candidate's position allows (go only with an open gate
    review); False when there are none."""
    index = _stage_index(candidate)
    choices = allowed(candidate.status, index, len(candidate.funnel.stages))
    if not review_open:
        choices = [choice for choice in choices if choice != Decision.GO]
    form.offer(choices, _recycle_targets(candidate))
    return bool(choices)


@bp.route("/candidates/<int:candidate_id>")
@everyone
def candidate(candidate_id: int) -> str:
    candidate = get_or_404(candidates.get_candidate, candidate_id)
    form = decision_form(candidate)
    open_review = reviews.open_review_of(db.session, candidate_id)
    can_decide = can_access("portfolio.decide") and show_allowed(
        form, candidate, review_open=open_review is not None
    )
    return render_template(
        "portfolio/candidate.html",
        candidate=candidate,
        stage_index=_stage_index(candidate),
        events=candidates.timeline(db.session, candidate_id),
        reviews=reviews.reviews_of(db.session, candidate_id),
        open_review=open_review,
        decision_form=form if can_decide else None,
    )


@bp.route("/candidates/<int:candidate_id>/decision", methods=["GET", "POST"])
@deciders
def decide(candidate_id: int) -> object:
    candidate = get_or_404(candidates.get_candidate, candidate_id)
    form = decision_form(candidate)
    status = 200
    if form.validate_on_submit():
        decision = Decision(form.decision.data)
        try:
            event = record_decision(
                db.session,
                candidate_id,
                decision,
                expected_version=form.version.data,
                actor_id=current_user.id,
                rationale=form.rationale.data,
                target_stage_id=form.target_stage_id.data,
            )
        except DecisionError as error:
            field = {
                "rationale_required": form.rationale,
                "target_required": form.target_stage_id,
                "not_earlier": form.target_stage_id,
                "bad_stage": form.target_stage_id,
            }
            field.get(error.code, form.decision).errors.append(
                str(PORTFOLIO_PROBLEMS.get(error.code, error.code))
            )
        else:
            log_event(
                "decision", user=current_user.email, candidate=candidate_id, decision=decision
            )
            flash(
                gettext("Decision recorded: %(decision)s.", decision=DECISION_LABELS[decision]),
                "success",
            )
            return redirect(url_for("portfolio.candidate", candidate_id=event.candidate_id))
    if form.is_submitted():
        status = 400
    open_review = reviews.open_review_of(db.session, candidate_id)
    show_allowed(form, candidate, review_open=open_review is not None)
    result = (
        reviews.review_result(reviews.get_review(db.session, open_review.id))
        if open_review
        else None
    )
    return render_template(
        "portfolio/decision.html", candidate=candidate, form=form, review=open_review, result=result
    ), status
