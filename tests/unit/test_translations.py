"""The Chinese catalog is complete and every translation keeps its placeholders."""
from pathlib import Path

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
