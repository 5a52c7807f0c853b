"""Gate review pages: open a review, fill one's scorecard, read the result."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from app.access import can_access
from app.extensions import db
from app.i18n import current_language
from app.labels import PORTFOLIO_PROBLEMS
from app.lookup import get_or_404, user_choices
from app.portfolio.blueprint import bp, editors, everyone, scorers
from app.portfolio.candidate_pages import decision_form, show_allowed
from app.portfolio.forms import (
    OpenReviewForm,
    prefill_scorecard,
    scorecard_entries,
    scorecard_form,
)
from app.security_log import log_event
from portfolio import candidates, reviews
from portfolio.errors import ReviewError
from portfolio.models import ReviewStatus


def _problem(error: ReviewError) -> str:
    return str(PORTFOLIO_PROBLEMS.get(error.code, error.code))


@bp.route("/candidates/<int:candidate_id>/reviews/new", methods=["GET", "POST"])
@editors
def open_review(candidate_id: int) -> object:
    candidate = get_or_404(candidates.get_candidate, candidate_id)
    form = OpenReviewForm()
    form.scorer_ids.choices = user_choices(reviews.eligible_scorers(db.session))
    status = 200
    if form.validate_on_submit():
        try:
            review = reviews.open_review(
                db.session,
                candidate_id,
                scorer_ids=form.scorer_ids.data,
                actor_id=current_user.id,
                go_threshold=form.go_threshold.data,
                kill_threshold=form.kill_threshold.data,
            )
        except ReviewError as error:
            target = form.kill_threshold if error.code == "thresholds" else form.scorer_ids
            target.errors.append(_problem(error))
            status = 400
        else:
            flash(
                gettext("Gate review opened; the invited scorers can fill their scorecards."),
                "success",
            )
            return redirect(url_for("portfolio.review", review_id=review.id))
    return render_template("portfolio/review_open.html", form=form, candidate=candidate), status


@bp.route("/reviews/<int:review_id>")
@everyone
def review(review_id: int) -> str:
    review = get_or_404(reviews.get_review, review_id)
    candidate = get_or_404(candidates.get_candidate, review.candidate_id)
    is_open = review.status == ReviewStatus.OPEN
    invited = any(s.user_id == current_user.id for s in review.scorers)
    form = None
    if is_open and can_access("portfolio.decide"):
        form = decision_form(candidate)
        if not show_allowed(form, candidate, review_open=True):
            form = None
    return render_template(
        "portfolio/review.html",
        review=review,
        candidate=candidate,
        result=reviews.review_result(review),
        table=reviews.scores_by_scorer(review),
        can_score=is_open and invited and can_access("portfolio.scorecard"),
        decision_form=form,
    )


@bp.route("/reviews/<int:review_id>/scorecard", methods=["GET", "POST"])
@scorers
def scorecard(review_id: int) -> object:
    review = get_or_404(reviews.get_review, review_id)
    if not any(s.user_id == current_user.id for s in review.scorers):
        abort(403)
    if review.status != ReviewStatus.OPEN:
        flash(_problem(ReviewError("closed")), "warning")
        return redirect(url_for("portfolio.review", review_id=review_id))
    form = scorecard_form(review.criteria, current_language())
    if not form.is_submitted():
        prefill_scorecard(form, reviews.scores_by_scorer(review).get(current_user.id, {}))
    status = 200
    if form.validate_on_submit():
        try:
            reviews.record_scores(
                db.session,
                review_id,
                scorer_id=current_user.id,
                entries=scorecard_entries(form, review.criteria),
            )
        except ReviewError as error:
            flash(_problem(error), "danger")
            status = 400
        else:
            log_event("scorecard", user=current_user.email, review=review_id)
            flash(gettext("Your scorecard is saved."), "success")
            return redirect(url_for("portfolio.review", review_id=review_id))
    elif form.is_submitted():
        status = 400
    candidate = get_or_404(candidates.get_candidate, review.candidate_id)
    return render_template(
        "portfolio/scorecard.html", form=form, review=review, candidate=candidate
    ), status
