"""Words for the codes that the domain packages return, in the user's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from accounts import orgtree, passwords
from accounts.orgtree import OrgUnitKind
from accounts.roles import Role
from portfolio import lifecycle
from portfolio.lifecycle import Decision, Status
from portfolio.models import CandidateKind, CriterionKind, EventKind, ReviewStatus, RiskLevel

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.PMO: _l("PMO staff"),
    Role.EXECUTIVE: _l("Executive"),
    Role.VIEWER: _l("Viewer"),
}

ORG_KIND_LABELS = {
    OrgUnitKind.GROUP: _l("Group"),
    OrgUnitKind.REGION: _l("Region"),
    OrgUnitKind.BUSINESS_UNIT: _l("Business unit"),
}

# Language names are written in their own language, so nobody is lost after a switch.
LANGUAGE_NAMES = {"en": "English", "zh_Hans": "简体中文"}

PASSWORD_PROBLEMS = {
    passwords.TOO_SHORT: _l("Use at least %(count)d characters.", count=passwords.MIN_LENGTH),
    passwords.TOO_LONG: _l("Use at most %(count)d characters.", count=passwords.MAX_LENGTH),
    passwords.TOO_COMMON: _l("This password is too common; choose another."),
    passwords.LIKE_ACCOUNT: _l("The password must not be your email or name."),
}

PLACEMENT_PROBLEMS = {
    orgtree.PARENT_REQUIRED: _l(
        "Choose a parent: a region sits under a group, a business unit under a region."
    ),
    orgtree.PARENT_NOT_ALLOWED: _l("A group is at the top of the tree and has no parent."),
    orgtree.PARENT_WRONG_KIND: _l(
        "Wrong parent: a region sits under a group, a business unit under a region."
    ),
    orgtree.KIND_HAS_CHILDREN: _l(
        "This unit has sub-units that would no longer fit under it; move them first."
    ),
}

STATUS_LABELS = {
    Status.ACTIVE: _l("Active"),
    Status.ON_HOLD: _l("On hold"),
    Status.KILLED: _l("Killed"),
    Status.APPROVED: _l("Approved"),
}

DECISION_LABELS = {
    Decision.GO: _l("Go"),
    Decision.KILL: _l("Kill"),
    Decision.HOLD: _l("Hold"),
    Decision.RESUME: _l("Resume"),
    Decision.RECYCLE: _l("Recycle"),
}

EVENT_LABELS = {
    EventKind.CREATED: _l("Entered the funnel"),
    EventKind.GO: _l("Passed the gate"),
    EventKind.KILL: _l("Killed"),
    EventKind.HOLD: _l("Put on hold"),
    EventKind.RESUME: _l("Resumed"),
    EventKind.RECYCLE: _l("Recycled"),
}

RECOMMENDATION_LABELS = {
    "go": _l("Go"),
    "hold": _l("Hold"),
    "kill": _l("Kill"),
}

CANDIDATE_KIND_LABELS = {CandidateKind.PROJECT: _l("Project"), CandidateKind.IDEA: _l("Idea")}

RISK_LABELS = {RiskLevel.LOW: _l("Low"), RiskLevel.MEDIUM: _l("Medium"), RiskLevel.HIGH: _l("High")}

CRITERION_KIND_LABELS = {
    CriterionKind.MUST: _l("Must-meet"),
    CriterionKind.SHOULD: _l("Should-meet"),
}

REVIEW_STATUS_LABELS = {
    ReviewStatus.OPEN: _l("Open"),
    ReviewStatus.DECIDED: _l("Decided"),
    ReviewStatus.CANCELLED: _l("Cancelled"),
}

# Why a decision, review or edit was refused (codes from portfolio.* modules).
PORTFOLIO_PROBLEMS = {
    lifecycle.ON_HOLD: _l("The candidate is on hold: resume it first."),
    lifecycle.KILLED: _l("The candidate was killed: only recycling brings it back."),
    lifecycle.APPROVED: _l("The candidate is already approved; its funnel has ended."),
    lifecycle.NOT_ON_HOLD: _l("Only a candidate on hold can be resumed."),
    lifecycle.SKIPS_GATE: _l("A candidate moves one gate at a time; no gate may be skipped."),
    lifecycle.TARGET_REQUIRED: _l("Choose the stage to recycle the candidate to."),
    lifecycle.NOT_EARLIER: _l("Recycling goes back to an earlier stage."),
    lifecycle.TARGET_NOT_ALLOWED: _l("This decision keeps the candidate in its stage."),
    lifecycle.BAD_STAGE: _l("That stage is not in the candidate's funnel."),
    "rationale_required": _l("Give the reason for the decision."),
    "review_required": _l("Open a gate review before deciding go."),
    "not_active": _l("Only an active candidate can be reviewed."),
    "already_open": _l("This candidate already has an open gate review."),
    "no_gate": _l("This stage has no gate scorecard."),
    "thresholds": _l("The kill threshold must not be above the go threshold."),
    "no_scorers": _l("Invite at least one scorer."),
    "bad_scorer": _l("Only active PMO staff, executives and administrators can score."),
    "closed": _l("This review is closed."),
    "not_invited": _l("You are not invited to score this review."),
    "incomplete": _l("Score every criterion."),
    "must_value": _l("Answer yes or no for every must-meet criterion."),
    "should_value": _l("Should-meet scores go from 0 to 10."),
    "negative": _l("Must not be negative."),
    "probability_range": _l("Use a percentage from 0 to 100."),
    "required": _l("This field is required."),
    "too_long": _l("This is too long."),
    "unknown": _l("Not a valid choice."),
    "key_taken": _l("Another item of this funnel already has this key."),
    "bad_position": _l("A new stage goes before an existing stage, never after the last."),
    "final_stage_has_no_gate": _l("The final stage has no gate."),
    "weight_positive": _l("A should-meet criterion needs a weight above 0."),
    "positive": _l("Use a whole number of at least 1."),
}
