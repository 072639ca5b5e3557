"""Who someone is to an order, a request, a case, a piece of evidence or a ruling: one access model.

`relations(user, obj)` gives the user's relations to one object (facts: "the buyer", "staff of its merchant",
"the case's arbitrator", "ruled on it before", or a staff role); `visible(user, Model)` gives the same rule as
a SQL clause for list queries. Each feature declares, next to each other, how a relation holds for one object
and as SQL (`tie`), and which relations let someone open its objects (`viewers`). Every permission predicate,
every list and every page's loader asks here, so a list never shows what its detail page refuses.
"""
from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from arbitration.auth.models import Role
from arbitration.db import db


class Relation(str, enum.Enum):
    buyer = "buyer"                            # the order's (request's, case's) buyer
    merchant_staff = "merchant_staff"          # staff of its merchant
    arbitrator = "arbitrator"                  # the case's arbitrator now (of an order: of a case on it)
    former_arbitrator = "former_arbitrator"    # issued a ruling on the case (or on a case on the order)
    supervisor = "supervisor"
    regulator = "regulator"
    support = "support"
    admin = "admin"


# staff whose relation to every object is their role
ROLE_RELATIONS = {Role.supervisor: Relation.supervisor, Role.regulator: Relation.regulator,
                  Role.support: Relation.support, Role.admin: Relation.admin}
PARTIES = frozenset({Relation.buyer, Relation.merchant_staff})


@dataclass(frozen=True)
class Tie:
    """How one relation holds between a user of `role` and an object of a model: as a Python test on a loaded
    object and as a SQL clause. A tie on one column (`column == value(user)`) derives both from the column."""
    relation: Relation
    role: Role
    clause: Callable                               # clause(user) -> SQL condition on the model's rows
    holds: Callable | None = None                  # holds(user, obj) -> bool; None: ask the database
    column: object | None = None                   # the column of a one-column tie (list keys use it)
    value: Callable | None = None


_ties: dict[type, list[Tie]] = {}
_parents: dict[type, tuple[type, object, Callable]] = {}
_viewers: dict[type, frozenset[Relation]] = {}


def tie(model: type, relation: Relation, role: Role, *, column=None, value: Callable | None = None,
        clause: Callable | None = None, holds: Callable | None = None) -> None:
    """Declare a relation: either by one column (`column=Case.buyer_id, value=lambda user: user.id`) or by a SQL
    clause (`clause=lambda user: ...`), whose truth for one object is then asked of the database."""
    if column is not None:
        key = column.key
        t = Tie(relation, role, clause=lambda user: column == value(user),
                holds=lambda user, obj: getattr(obj, key) == value(user), column=column, value=value)
    else:
        t = Tie(relation, role, clause=clause, holds=holds)
    _ties.setdefault(model, []).append(t)


def through(model: type, parent: type, fk, get: Callable) -> None:
    """Objects of `model` relate to people as their parent does (evidence as its order, a ruling as its case),
    for every relation the model does not tie itself."""
    _parents[model] = (parent, fk, get)


def viewers(model: type, relations: Iterable[Relation]) -> None:
    """Who may open an object of `model` (the detail page, a download)."""
    _viewers[model] = frozenset(relations)


def viewers_of(model: type) -> frozenset[Relation]:
    return _viewers[model]


def _role(user) -> Role | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.role


def _own(model: type, role: Role) -> list[Tie]:
    return [t for t in _ties.get(model, ()) if t.role == role]


def relations(user, obj) -> frozenset[Relation]:
    """The user's relations to one object (empty for strangers and anonymous visitors)."""
    role = _role(user)
    if role is None or obj is None:
        return frozenset()
    found = {ROLE_RELATIONS[role]} if role in ROLE_RELATIONS else set()
    model = type(obj)
    own = _own(model, role)
    for t in own:
        if t.holds is not None:
            if t.holds(user, obj):
                found.add(t.relation)
        elif db.session.scalar(sa.select(sa.literal(True)).where(_pk(model) == _pk_value(obj), t.clause(user))):
            found.add(t.relation)
    if model in _parents:
        parent, _fk, get = _parents[model]
        tied_here = {t.relation for t in own}
        found |= {r for r in relations(user, get(obj)) if r not in tied_here}
    return frozenset(found)


def may(user, obj, among: Iterable[Relation]) -> bool:
    return bool(relations(user, obj) & frozenset(among))


def may_view(user, obj) -> bool:
    return may(user, obj, _viewers[type(obj)])


def _clauses(user, model: type, among: frozenset[Relation]) -> list[tuple[object, Tie | None]] | None:
    """The conditions whose OR is `visible`, each with its one-column tie if it is one; None: every row."""
    role = _role(user)
    if role is None:
        return []
    if role in ROLE_RELATIONS and ROLE_RELATIONS[role] in among:
        return None
    own = [t for t in _own(model, role) if t.relation in among]
    found: list[tuple[object, Tie | None]] = [(t.clause(user), t if t.column is not None else None) for t in own]
    if model in _parents:
        parent, fk, _get = _parents[model]
        rest = among - {t.relation for t in own}
        inner = _clauses(user, parent, rest) if rest else []
        if inner is None:
            found.append((sa.true(), None))
        elif inner:
            found.append((fk.in_(sa.select(_pk(parent)).where(sa.or_(*(c for c, _t in inner)))), None))
    return found


def visible(user, model: type, among: Iterable[Relation] | None = None):
    """SQL: the rows of `model` the user relates to by one of `among` (default: the model's viewers). The same
    ties as `relations`, so a list holds exactly what `may` lets the user open."""
    found = _clauses(user, model, frozenset(_viewers[model] if among is None else among))
    if found is None:
        return sa.true()
    if not found:
        return sa.false()
    return found[0][0] if len(found) == 1 else sa.or_(*(c for c, _t in found))


def owner_key(user, model: type, among: Iterable[Relation] | None = None):
    """(column, value) when the user's visible rows are exactly those with one column equal to one value (a
    buyer's cases: buyer_id = the buyer): list queries put that column first to stay on its index."""
    found = _clauses(user, model, frozenset(_viewers[model] if among is None else among))
    if found and len(found) == 1 and found[0][1] is not None:
        t = found[0][1]
        return t.column, t.value(user)
    return None


def _pk(model: type):
    return sa.inspect(model).primary_key[0]


def _pk_value(obj):
    return sa.inspect(obj).identity[0]
