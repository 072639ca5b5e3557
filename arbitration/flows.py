"""Small state machines as data (pure: no Flask, no SQLAlchemy): the states a row may hold, the states it may be
created in, and the moves between them. Each feature keeps its table in its rules module and moves its rows
through one function that calls `Flow.move`, as the case lifecycle (cases/workflow.py) does on a larger scale."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


class IllegalMove(RuntimeError):
    """A programming error: code tried a move its table does not have."""


@dataclass(frozen=True)
class Flow:
    name: str
    states: tuple[str, ...]
    start: frozenset[str]
    moves: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, name: str, *, start: Iterable[str], moves: Mapping[str, Iterable[str]]) -> "Flow":
        """`moves` maps each state to the states it may move to; every state named anywhere is one of `states`."""
        pairs = frozenset((frm, to) for frm, targets in moves.items() for to in targets)
        named = dict.fromkeys([*sorted(start), *moves, *(to for _frm, to in sorted(pairs))])
        return cls(name, tuple(named), frozenset(start), pairs)

    def allows(self, frm: str, to: str) -> bool:
        return (frm, to) in self.moves

    def targets(self, frm: str) -> frozenset[str]:
        return frozenset(to for f, to in self.moves if f == frm)

    def is_final(self, state: str) -> bool:
        return not self.targets(state)

    def check_start(self, state: str) -> str:
        if state not in self.start:
            raise IllegalMove(f"a {self.name} cannot begin as {state!r}")
        return state

    def move(self, row, to: str) -> str:
        """Set `row.state` to `to` if the table has the move; returns the state it left."""
        old = row.state
        if not self.allows(old, to):
            raise IllegalMove(f"a {self.name} cannot move from {old!r} to {to!r}")
        row.state = to
        return old
