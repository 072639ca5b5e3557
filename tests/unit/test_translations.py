"""The Chinese catalog is complete and every translation keeps its placeholders."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from babel.messages.pofile import read_po

CATALOG = Path(__file__).resolve().parents[2] / "translations" / "zh" / "LC_MESSAGES" / "messages.po"


def test_every_message_has_a_chinese_translation():
    with CATALOG.open("rb") as fh:
        catalog = read_po(fh)
    missing = [m.id for m in catalog if m.id and not m.string]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert missing == [] and fuzzy == []


def test_translations_keep_their_placeholders():
    with CATALOG.open("rb") as fh:
        catalog = read_po(fh)
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalog.check()]
    assert problems == []


def test_no_document_calls_itself_an_arbitral_award():
    text = CATALOG.read_text(encoding="utf-8")
    assert "仲裁裁决" not in text and "裁决书" not in text


def test_every_message_the_code_and_the_pages_use_is_in_the_catalog():
    root = CATALOG.parents[3]
    with (root / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    with CATALOG.open("rb") as fh:
        catalog = read_po(fh)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "N_": None,
                "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}
    used = {(msgid if isinstance(msgid, str) else msgid[0], context)
            for _file, _line, msgid, _comments, context in extract_from_dir(
                str(root), method_map, options_map, keywords=keywords)}
    missing = sorted(m for m, context in used
                     if m and (catalog.get(m, context) is None or not catalog.get(m, context).string))
    assert missing == []
