"""Named failures of account operations; the web layer turns them into messages."""

from __future__ import annotations


class AccountError(Exception):
    """Base of every account failure."""


class NotFound(AccountError):
    """No user or org unit with that id or email."""


class EmailTaken(AccountError):
    """Another user already has that email."""


class CodeTaken(AccountError):
    """Another org unit already has that code."""


class WeakPassword(AccountError):
    """The new password breaks the policy; `problems` holds the rule codes."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(", ".join(problems))
        self.problems = problems


class WrongPassword(AccountError):
    """The current password given to confirm a change is wrong."""


class LastAdmin(AccountError):
    """The change would leave no active administrator."""


class BadPlacement(AccountError):
    """An org unit cannot sit where it was put; `code` is an accounts.orgtree rule."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code
