"""Event types: every action the event log records is declared, once, by the feature that records it, with its
label (a lazy translation: Chinese and English). Pages, documents and the API name events by these labels;
recording an undeclared type is refused (audit.services.record_event), so no raw key ever reaches a reader."""
from __future__ import annotations

from collections.abc import Callable, Mapping

_labels: dict[str, object] = {}
_sentences: dict[str, Callable[[dict], object]] = {}


def declare(labels: Mapping[str, object]) -> None:
    """`declare({"case.opened": _l("The buyer opened the case"), ...})`, at import time of the feature."""
    for action, label in labels.items():
        if action in _labels and _labels[action] is not label:
            raise ValueError(f"event type {action!r} is declared twice")
        _labels[action] = label


def is_declared(action: str) -> bool:
    return action in _labels


def label(action: str):
    """The event's label (lazy: rendered in the reader's language)."""
    return _labels[action]


def declared() -> dict[str, object]:
    return dict(_labels)


def describe(action: str, sentence: Callable[[dict], object]) -> None:
    """`describe("evidence.added", lambda data: _l("Evidence “%(name)s” was added", name=data["name"]))`: how one
    event of a declared type reads where events are told one by one (a case's timeline, the ruling and the dossier),
    with what its data names. The label stays the type's name (lists of types, the API)."""
    if action not in _labels:
        raise ValueError(f"describe an event type after declaring it: {action!r}")
    if action in _sentences and _sentences[action] is not sentence:
        raise ValueError(f"event type {action!r} is described twice")
    _sentences[action] = sentence


def sentence(action: str, data: Callable[[], dict]):
    """One event in words (lazy): its description from `data()` (called only for a described type), else its
    label; an old event whose data lacks what the description names reads as its label."""
    describe_ = _sentences.get(action)
    if describe_ is None:
        return label(action)
    try:
        return describe_(data())
    except (KeyError, TypeError, ValueError):
        return label(action)
