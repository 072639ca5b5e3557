"""Event types: every action the event log records is declared, once, by the feature that records it, with its
label (a lazy translation: Chinese and English). Pages, documents and the API name events by these labels;
recording an undeclared type is refused (audit.services.record_event), so no raw key ever reaches a reader."""
from __future__ import annotations

from collections.abc import Mapping

_labels: dict[str, object] = {}


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
