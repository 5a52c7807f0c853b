"""The load-oriented release page (BRIEF §3): which candidates waiting at a gate to let
through this period, the load accounts of the capacity-bound stages behind it, and, for
deciders, accepting the proposal, which records a go for each released candidate.

Funnel, stage and horizon come from the query string, so a link reproduces the proposal;
what cannot be read is shown as a form error, never an error page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice

from app.access import can_access
from app.charts import Chart, layout
from app.exports import csv_response
from app.extensions import db
from app.i18n import localized
from app.labels import PORTFOLIO_PROBLEMS, RELEASE_PROBLEMS
from app.reports.blueprint import bp, deciders, everyone
from app.reports.release_forms import AcceptReleaseForm, ReleaseQueryForm
from app.security_log import log_event
from persistence import StaleVersionError, utcnow
from portfolio import funnels, release_plan
from portfolio.errors import DecisionError, NotFound
from portfolio.models import Funnel, Stage
from portfolio.release_plan import ReleaseError, ReleaseView

QUERY_NAMES = ("funnel", "stage", "days")


@dataclass
class ReleasePage:
    form: ReleaseQueryForm
    funnel: Funnel | None
    view: ReleaseView | None  # None when there is nothing to propose or the form has errors

    @property
    def args(self) -> dict[str, Any]:
        """The query string of this proposal, for links, the CSV and the redirect."""
        if self.view is None:
            return {}
        return {
            "funnel": self.view.funnel.id,
            "stage": self.view.entry.id,
            "days": self.view.anticipation_days,
        }


def _problem(error: ReleaseError | DecisionError) -> str:
    labels = RELEASE_PROBLEMS if isinstance(error, ReleaseError) else PORTFOLIO_PROBLEMS
    return str(labels.get(error.code, error.code))


def _entry_stage(form: ReleaseQueryForm, funnel: Funnel, all_funnels: list[Funnel]) -> None:
    """Offer the funnel's entry stages; fill in the default when none is asked for, or when
    the one asked for belongs to another funnel (left over from switching funnels)."""
    stages = release_plan.entry_stages(funnel)
    form.stage.choices = [SelectChoice(str(s.id), localized(s)) for s in stages]
    asked = form.stage.data
    if asked in {s.id for s in stages}:
        return
    elsewhere = {s.id for f in all_funnels if f is not funnel for s in f.stages}
    if asked is None or asked in elsewhere:
        default = release_plan.default_entry_stage(funnel)
        form.stage.data = default.id if default else None
    else:
        form.stage.errors.append(str(RELEASE_PROBLEMS[release_plan.BAD_ENTRY_STAGE]))


def read_release(args: MultiDict[str, str]) -> ReleasePage:
    all_funnels = funnels.list_funnels(db.session)
    form = ReleaseQueryForm(formdata=args)
    form.funnel.choices = [SelectChoice(str(f.id), localized(f)) for f in all_funnels]
    form.validate()
    if not all_funnels:
        return ReleasePage(form, None, None)
    funnel = next((f for f in all_funnels if f.id == form.funnel.data), None)
    if funnel is None:
        if args.get("funnel") and not form.funnel.errors:
            form.funnel.errors.append(gettext("Unknown funnel."))
        funnel = all_funnels[0]
        form.funnel.data = funnel.id
    _entry_stage(form, funnel, all_funnels)
    if form.errors or form.stage.data is None:
        return ReleasePage(form, funnel, None)
    view = release_plan.build_release(
        db.session,
        funnel.id,
        form.stage.data,
        anticipation_days=form.anticipation_days,
        today=utcnow().date(),
    )
    return ReleasePage(form, funnel, view)


def load_chart(view: ReleaseView) -> Chart:
    """The load accounts as stacked bars (before + added) against each stage's limit."""
    accounts = view.accounts
    names = [localized(a.stage) for a in accounts]
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            x=names,
            y=[_number(a.before) for a in accounts],
            name=gettext("Current load"),
            marker_color="#6c8ebf",
        )
    )
    figure.add_trace(
        go.Bar(
            x=names,
            y=[_number(a.added) for a in accounts],
            name=gettext("Added by this release"),
            marker_color="#20c997",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=names,
            y=[_number(a.limit) for a in accounts],
            mode="markers",
            marker={"symbol": "line-ew", "size": 40, "line": {"width": 3, "color": "#dc3545"}},
            name=gettext("Load limit"),
        )
    )
    layout(
        figure,
        height=360,
        barmode="stack",
        yaxis={"title": {"text": gettext("Work units (gate reviews)")}, "rangemode": "tozero"},
    )
    yes, no = gettext("Yes"), gettext("No")
    return Chart(
        key="release-load",
        title=gettext("Load accounts"),
        description=gettext(
            "Per capacity-bound stage: the load now, what this release adds (one gate review "
            "per candidate, discounted by 100 / load percentage for each stage ahead) and the "
            "load limit."
        ),
        figure=figure,
        columns=[
            gettext("Stage"),
            gettext("Capacity per month"),
            gettext("Load percentage"),
            gettext("Load limit"),
            gettext("Current load"),
            gettext("Added by this release"),
            gettext("Load after release"),
            gettext("Blocked"),
        ],
        rows=[
            [
                name,
                *(_number(x) for x in (a.capacity, a.load_percent, a.limit)),
                *(_number(x) for x in (a.before, a.added, a.after)),
                yes if a.blocked else no,
            ]
            for name, a in zip(names, accounts, strict=True)
        ],
    )


def _number(value: float) -> float | int:
    """Two decimals, and whole numbers without them (6, not 6.0), for table and CSV alike."""
    rounded = round(value, 2)
    return int(rounded) if rounded.is_integer() else rounded


def _render(page: ReleasePage, status: int = 200) -> tuple[str, int]:
    view = page.view
    accept = None
    if view is not None and view.released and can_access("reports.accept_release"):
        accept = AcceptReleaseForm(formdata=None)
        accept.fill(view.funnel.id, view.entry.id, view.anticipation_days, view.released)
    html = render_template(
        "reports/release.html",
        page=page,
        form=page.form,
        funnel=page.funnel,
        view=view,
        chart=load_chart(view) if view is not None and view.accounts else None,
        accept_form=accept,
        stage_link=_stage_link,
    )
    return html, status


def _stage_link(stage: Stage) -> str | None:
    """Where an administrator sets a stage's capacity."""
    return (
        url_for("admin.edit_stage", stage_id=stage.id) if can_access("admin.edit_stage") else None
    )


@bp.route("/portfolio/release")
@everyone
def release() -> tuple[str, int]:
    return _render(read_release(request.args))


@bp.route("/portfolio/release.csv")
@everyone
def release_csv() -> object:
    view = read_release(request.args).view
    if view is None:
        abort(404)
    chart = load_chart(view)
    return csv_response(
        f"release-{view.funnel.key}-{view.entry.key}.csv", chart.columns, chart.rows
    )


@bp.route("/portfolio/release", methods=["POST"])
@deciders
def accept_release() -> object:
    form = AcceptReleaseForm()
    # The proposal the executive was looking at, shown again if the accept is refused.
    shown = MultiDict({k: request.form[k] for k in QUERY_NAMES if request.form.get(k)})
    if not form.validate_on_submit():
        flash(gettext("The proposal could not be read. Check it and accept again."), "danger")
        return _render(read_release(shown), 400)
    try:
        events = release_plan.accept_release(
            db.session(),  # the request's own Session: the service takes its write lock
            form.funnel.data,
            form.stage.data,
            form.pairs(),
            anticipation_days=form.days.data,
            actor_id=current_user.id,
            now=utcnow(),
        )
    except NotFound:
        abort(404)
    except StaleVersionError:
        flash(str(RELEASE_PROBLEMS[release_plan.PLAN_CHANGED]), "warning")
        return _render(read_release(shown), 409)
    except (ReleaseError, DecisionError) as error:
        flash(_problem(error), "warning")
        bad_input = error.code in (release_plan.BAD_ENTRY_STAGE, release_plan.BAD_ANTICIPATION)
        return _render(read_release(shown), 400 if bad_input else 409)
    log_event(
        "release",
        user=current_user.email,
        stage=form.stage.data,
        candidates=",".join(str(e.candidate_id) for e in events),
    )
    flash(
        ngettext(
            "Go recorded for %(num)d candidate.", "Go recorded for %(num)d candidates.", len(events)
        ),
        "success",
    )
    return redirect(
        url_for(
            "reports.release", funnel=form.funnel.data, stage=form.stage.data, days=form.days.data
        )
    )
