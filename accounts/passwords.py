"""Password policy and hashing (OWASP ASVS level 2: length, common-password refusal)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 8
# Long passphrases are welcome; the cap only stops hashing megabytes.
MAX_LENGTH = 1024

TOO_SHORT = "too_short"
TOO_LONG = "too_long"
TOO_COMMON = "too_common"
LIKE_ACCOUNT = "like_account"

_COMMON_FILE = Path(__file__).with_name("common_passwords.txt")


@cache
def _common_passwords() -> frozenset[str]:
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def password_problems(password: str, *, email: str = "", display_name: str = "") -> list[str]:
    """Codes of every rule `password` breaks; an empty list means it is acceptable."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(TOO_SHORT)
    if len(password) > MAX_LENGTH:
        problems.append(TOO_LONG)
    folded = password.lower()
    if folded in _common_passwords():
        problems.append(TOO_COMMON)
    account_words = {email.lower(), email.split("@")[0].lower(), display_name.lower()} - {""}
    if folded in account_words:
        problems.append(LIKE_ACCOUNT)
    return problems


def hash_password(password: str, method: str = "scrypt") -> str:
    """Salted hash of `password` (werkzeug's scrypt by default)."""
    return generate_password_hash(password, method=method)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches `password_hash`, in constant time."""
    return check_password_hash(password_hash, password)
