"""The Chinese catalogue covers every UI string in the code and templates."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "app" / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po"
# The same keywords as `make translations` passes to pybabel.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


def _catalogue():
    with CATALOGUE.open("rb") as handle:
        return read_po(handle, locale="zh_Hans")


def _source_msgids() -> set[str]:
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found - {""}


def test_every_ui_string_in_the_sources_is_in_the_catalogue():
    catalogue_ids = {m.id[0] if isinstance(m.id, tuple) else m.id for m in _catalogue() if m.id}
    missing = sorted(_source_msgids() - catalogue_ids)
    assert missing == [], "run `make translations` and translate: " + "; ".join(missing)


def test_every_message_has_a_chinese_translation():
    untranslated = [
        message.id
        for message in _catalogue()
        if message.id
        and (
            "fuzzy" in message.flags
            or not all(message.string if isinstance(message.string, tuple) else [message.string])
        )
    ]
    assert untranslated == []


def test_translations_keep_the_placeholders_of_their_message():
    problems = [(message.id, errors) for message, errors in _catalogue().check() if errors]
    assert problems == []


def test_extraction_sees_strings_from_python_and_templates():
    # Guards the test above: an extraction that found nothing would pass it vacuously.
    ids = _source_msgids()
    assert "Wrong email or password." in ids  # app/auth/routes.py
    assert "Sign in to Tollgate" in ids  # app/templates/auth/login.html
    assert "PMO staff" in ids  # lazy_gettext in app/labels.py
