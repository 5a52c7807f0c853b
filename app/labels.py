"""Words for the codes that the domain packages return, in the user's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from accounts import orgtree, passwords
from accounts.orgtree import OrgUnitKind
from accounts.roles import Role
from assessments.models import ActionStatus, AssessmentStatus, Evidence, RespondentRole
from portfolio import forecast, lifecycle, release_plan
from portfolio.funnels import MAX_CAPACITY, MAX_LOAD_PERCENT
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
    "capacity_pair": _l("Set both capacity and load percentage, or neither."),
    "load_percent_min": _l("Use a load percentage of at least 100."),
    "capacity_max": _l("Use a capacity of at most %(max)s a month.", max=format(MAX_CAPACITY, ",")),
    "load_percent_max": _l(
        "Use a load percentage of at most %(max)s.", max=format(MAX_LOAD_PERCENT, ",")
    ),
}

ASSESSMENT_STATUS_LABELS = {
    AssessmentStatus.DRAFT: _l("Draft"),
    AssessmentStatus.OPEN: _l("Open for answers"),
    AssessmentStatus.CLOSED: _l("Closed"),
}

RESPONDENT_ROLE_LABELS = {
    RespondentRole.EXECUTIVE: _l("Executive"),
    RespondentRole.LINE_MANAGER: _l("Line manager"),
    RespondentRole.PROJECT_MANAGER: _l("Project manager"),
    RespondentRole.TEAM_MEMBER: _l("Team member"),
}

EVIDENCE_LABELS = {
    Evidence.CLAIMED: _l("Claimed"),
    Evidence.DOCUMENTED: _l("Documented"),
    Evidence.OBSERVED: _l("Observed"),
}

ACTION_STATUS_LABELS = {
    ActionStatus.PLANNED: _l("Planned"),
    ActionStatus.IN_PROGRESS: _l("In progress"),
    ActionStatus.DONE: _l("Done"),
    ActionStatus.DROPPED: _l("Dropped"),
}

# Why an assessment action was refused (codes from assessments.* modules).
ASSESSMENT_PROBLEMS = {
    "title_required": _l("Give the assessment a title."),
    "period": _l("The period ends before it starts."),
    "bad_target": _l("Target levels go from 1 to 5, for areas of the model."),
    "closed": _l("This assessment is closed; its result is frozen."),
    "not_draft": _l("This can only change while the assessment is a draft."),
    "not_open": _l("The assessment is not open for answers."),
    "no_respondents": _l("Invite at least one respondent before opening."),
    "no_submissions": _l("Nobody has submitted answers yet."),
    "duplicate_respondent": _l("That person is invited already."),
    "unknown_user": _l("That person cannot be invited."),
    "has_answers": _l("This respondent has answered already and cannot be removed."),
    "not_invited": _l("You are not invited to answer this assessment."),
    "submitted": _l("You have submitted your answers; they can no longer change."),
    "unknown_question": _l("That question is not in this questionnaire."),
    "bad_answer": _l("Answers go from 0 to 4, or N/A."),
    "comment_too_long": _l("The comment is too long."),
    "unanswered": _l("Answer every question (or mark it N/A) before submitting."),
    "version_exists": _l(
        "This version of the model is installed already; give the file a new version."
    ),
}

# Problems in an uploaded questionnaire file (codes from assessments.model).
MODEL_PROBLEMS = {
    "yaml": _l("The file is not valid YAML"),
    "not_mapping": _l("Expected a mapping (key: value)"),
    "missing": _l("A required field is missing"),
    "bad_type": _l("A field has the wrong type"),
    "bad_threshold": _l("The threshold must be above 0 and at most 1"),
    "bad_levels": _l("The levels must be exactly 1 to 5"),
    "duplicate_area": _l("Two areas have the same key"),
    "duplicate_id": _l("Two questions have the same id"),
    "unknown_area": _l("The question names an area the model does not define"),
    "bad_level": _l("Questions belong to levels 2 to 5"),
    "bad_weight": _l("A weight must be above 0"),
    "missing_translation": _l("The English or Chinese text is missing"),
    "no_questions": _l("The model has no questions"),
}

# Load-oriented release (portfolio.release_plan, portfolio.forecast).
HELD_REASON_LABELS = {
    forecast.NOT_URGENT: _l("Not urgent: due after the anticipation horizon"),
    forecast.BLOCKED_STAGE: _l("Waits: a stage ahead is at its load limit"),
}

RELEASE_PROBLEMS = {
    release_plan.BAD_ENTRY_STAGE: _l(
        "Choose a stage of this funnel that has a stage before it and a gate after it."
    ),
    release_plan.BAD_ANTICIPATION: _l(
        "Use an anticipation horizon from 0 to %(days)d days.",
        days=release_plan.MAX_ANTICIPATION_DAYS,
    ),
    release_plan.NOTHING_TO_RELEASE: _l("Nothing to release: the proposal is empty now."),
    release_plan.PLAN_CHANGED: _l(
        "The proposal changed since you opened it: a candidate was decided, edited or "
        "reviewed meanwhile. Nothing was recorded; check the new proposal and accept again."
    ),
}
