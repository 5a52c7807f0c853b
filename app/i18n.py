"""Language selection: the account's choice, then the session's, then the browser's."""

from __future__ import annotations

from flask import request, session
from flask_babel import get_locale
from flask_login import current_user

from accounts.models import LANGUAGES, OrgUnit

# Browser language tags that map onto our catalogues.
_BROWSER_TAGS = {"en": "en", "zh": "zh_Hans", "zh-CN": "zh_Hans", "zh-Hans": "zh_Hans"}


def select_locale() -> str:
    if current_user.is_authenticated and current_user.preferred_language in LANGUAGES:
        return str(current_user.preferred_language)
    if session.get("language") in LANGUAGES:
        return str(session["language"])
    best = request.accept_languages.best_match(list(_BROWSER_TAGS))
    return _BROWSER_TAGS.get(best or "", "en")


def current_language() -> str:
    """The catalogue in use for this request, e.g. 'en' or 'zh_Hans'."""
    locale = get_locale()
    return "zh_Hans" if locale is not None and locale.language == "zh" else "en"


def html_lang() -> str:
    """The BCP 47 tag for the <html lang> attribute."""
    return "zh-Hans" if current_language() == "zh_Hans" else "en"


def org_unit_label(unit: OrgUnit | None) -> str:
    return unit.label(current_language()) if unit is not None else ""


def localized(record: object) -> str:
    """A record's name in the user's language: `name_zh` for Chinese when it has one."""
    chinese = getattr(record, "name_zh", None)
    return str(chinese if chinese and current_language() == "zh_Hans" else record.name)
