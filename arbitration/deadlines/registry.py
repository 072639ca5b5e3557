"""Features register what happens when their deadlines pass (and how reminders go out)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Consequence:
    name: str
    apply: Callable            # apply(deadline, now) -> None; runs inside the sweep's transaction
    describe: Callable[[], str]  # translated sentence: what happens when the deadline passes
    # apply_batch(deadlines, now) -> list of events to append [(subject_type, subject_id, actor, action, data)]:
    # the same outcome as `apply` for each deadline, set-based; it raises when any subject cannot be done at once
    # (the sweep then takes the group one deadline at a time). Optional.
    apply_batch: Callable | None = None


_consequences: dict[str, Consequence] = {}
_reminders: list[Callable] = []


def consequence(name: str, describe: Callable[[], str]):
    """Decorator: `@consequence("order.auto_confirm", lambda: _("..."))`."""
    def register(fn):
        _consequences[name] = Consequence(name, fn, describe)
        return fn
    return register


def batch(name: str):
    """Decorator, after `consequence(name)`: `fn(deadlines, now)` applies many of that consequence's deadlines at
    once (the sweep's fast path); `deadlines` are rows with the deadline's columns, already claimed."""
    def register(fn):
        found = get(name)
        _consequences[name] = Consequence(found.name, found.apply, found.describe, fn)
        return fn
    return register


def get(name: str) -> Consequence:
    try:
        return _consequences[name]
    except KeyError:
        raise LookupError(f"no consequence registered under {name!r}") from None


def names() -> list[str]:
    return sorted(_consequences)


def reminder_handler(fn):
    """Decorator: `fn(deadline, now)` is called once per deadline when its reminder time comes."""
    _reminders.append(fn)
    return fn


def reminder_handlers() -> list[Callable]:
    return list(_reminders)


_watchers: dict[str, list[Callable]] = {}


def on_change(subject_type: str):
    """Decorator: `fn(subject_id)` runs (in the same transaction) whenever the pending deadlines of a
    subject of this type change: scheduled, met, cancelled, applied, failed or moved."""
    def register(fn):
        _watchers.setdefault(subject_type, []).append(fn)
        return fn
    return register


def watchers(subject_type: str) -> list[Callable]:
    return _watchers.get(subject_type, [])


_batch_watchers: dict[str, list[Callable]] = {}


def on_change_many(subject_type: str):
    """Decorator: `fn(subject_ids)` does for many subjects at once what the `on_change` watchers of this type do
    for one (the sweep's batches). A type with such a watcher has its `on_change` watchers replaced by it there."""
    def register(fn):
        _batch_watchers.setdefault(subject_type, []).append(fn)
        return fn
    return register


def batch_watchers(subject_type: str) -> list[Callable] | None:
    return _batch_watchers.get(subject_type)


_subject_links: dict[str, Callable] = {}
_kind_labels: dict[str, Callable[[], str]] = {}


def subject_link(subject_type: str):
    """Decorator: `fn(subject_id) -> (title, url) | None` names a deadline's subject on pages."""
    def register(fn):
        _subject_links[subject_type] = fn
        return fn
    return register


def kind_labels(labels: dict) -> None:
    """Translated names of deadline kinds (lazy strings), for pages."""
    _kind_labels.update(labels)


def describe_subject(subject_type: str, subject_id: str) -> tuple[str, str | None]:
    fn = _subject_links.get(subject_type)
    found = fn(subject_id) if fn else None
    return found or (f"{subject_type} {subject_id}", None)


def kind_label(kind: str) -> str:
    return str(_kind_labels.get(kind, kind))
