"""Named failures of assessment operations, each with a short code; the web layer words them."""

from __future__ import annotations


class AssessmentError(Exception):
    """Base of every assessment failure."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


class NotFound(AssessmentError):
    """No questionnaire, assessment or roadmap action with that id."""


class CampaignError(AssessmentError):
    """An assessment cannot be set up, opened or closed as asked."""


class AnswerError(AssessmentError):
    """Answers cannot be saved or submitted as given; `question` names the one at fault."""

    def __init__(self, code: str, question: str = "") -> None:
        super().__init__(code, question)
        self.question = question


class QuestionnaireError(AssessmentError):
    """A questionnaire file cannot be installed (its validity problems are a ModelError)."""
