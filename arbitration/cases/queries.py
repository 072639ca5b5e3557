"""Case lists: whose cases, filters, search, a capped count, and keyset pages in one of three orders."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from arbitration import access
from arbitration.auth.models import User
from arbitration.cases import filters
from arbitration.cases.filters import CaseFilter
from arbitration.cases import permissions  # noqa: F401  (the ties of cases: who sees which)
from arbitration.cases.models import Case, RemedyTask
from arbitration.db import db
from arbitration.deadlines.models import Deadline
from arbitration.errors import InvalidInput
from arbitration.merchants.models import Merchant
from arbitration.pagination import Page, decode, decode_numbers, encode

PAGE_SIZE = 20
COUNT_CAP = 1000        # the count says "1,000+" beyond this: counting stops after COUNT_CAP + 1 rows


@dataclass(frozen=True)
class Sort:
    """An order of the case list: a column of Case, then the id; each has an index per scope (models.Case)."""
    column: object
    descending: bool
    label: object
    decode: Callable = decode           # the cursor's key: a time, or (decode_numbers) a whole number


SORTS = {
    "deadline": Sort(Case.queue_due_at, False, _l("Nearest deadline")),
    "opened": Sort(Case.opened_at, True, _l("Newest first")),
    "amount": Sort(Case.disputed_amount_fen, True, _l("Largest amount"), decode_numbers),
}
DEFAULT_SORT = "deadline"


def parse_sort(raw: str | None) -> str:
    """The sort named in a URL; an unknown one is refused with the field named, like the filters."""
    raw = (raw or "").strip()
    if not raw:
        return DEFAULT_SORT
    if raw not in SORTS:
        raise InvalidInput(_l("Unknown sort order."), field="sort")
    return raw


# ---- what happened to a case in a period (the dashboard's drill-down): ?happened=closed&from=…&to=… ----

@dataclass(frozen=True)
class Happening:
    label: object                                   # what the list says is filtered ("Closed")
    condition: Callable                             # (start, end) UTC → a condition on Case


HAPPENINGS: dict[str, Happening] = {}
REFUNDS = ("full_refund", "partial_refund")


def happening(name: str, label) -> Callable:
    """Decorator: register what `?happened=name` selects. Features above cases (rulings' findings) add theirs."""
    def register(fn: Callable) -> Callable:
        HAPPENINGS[name] = Happening(label, fn)
        return fn
    return register


@happening("opened", _l("Case opened"))
def _opened(start, end):
    return sa.and_(Case.opened_at >= start, Case.opened_at < end)


@happening("closed", _l("Case closed"))
def _closed(start, end):
    return sa.and_(Case.closed_at >= start, Case.closed_at < end)


@happening("refund_ordered", _l("Refund ordered"))
def _refund_ordered(start, end):
    return sa.exists().where(RemedyTask.case_id == Case.id, RemedyTask.remedy.in_(REFUNDS),
                             RemedyTask.created_at >= start, RemedyTask.created_at < end)


@happening("refund_paid", _l("Refund paid"))
def _refund_paid(start, end):
    return sa.exists().where(RemedyTask.case_id == Case.id, RemedyTask.remedy.in_(REFUNDS),
                             RemedyTask.state == "done", RemedyTask.done_at >= start, RemedyTask.done_at < end)


@dataclass(frozen=True)
class Happened:
    """Cases to which `what` happened between the China dates `first` and `last` (both included)."""
    what: str
    first: dt.date
    last: dt.date

    @property
    def label(self):
        return HAPPENINGS[self.what].label

    def condition(self):
        return HAPPENINGS[self.what].condition(filters.start_of(self.first),
                                               filters.start_of(self.last + dt.timedelta(days=1)))

    def query_args(self) -> dict:
        return {"happened": self.what, "from": self.first.isoformat(), "to": self.last.isoformat()}


def parse_happened(args: Mapping) -> Happened | None:
    """From request args (happened, from, to); InvalidInput names the bad field, like the filters."""
    what = (args.get("happened") or "").strip()
    if not what:
        return None
    if what not in HAPPENINGS:
        raise InvalidInput(_l("Unknown filter."), field="happened")
    first, last = filters.date_range(args, "from", "to", required=True)
    return Happened(what, first, last)


@dataclass(frozen=True)
class Count:
    n: int
    capped: bool        # more than COUNT_CAP: n is COUNT_CAP


def _listed(user: User, f: CaseFilter, happened: Happened | None = None):
    """The statement of the cases `user` may list under the filter (no order, no cursor), and the scope (column,
    value) whose index serves it when one column says whose cases they are."""
    stmt = sa.select(Case).where(access.visible(user, Case))
    if happened is not None:
        stmt = stmt.where(happened.condition())
    # whose cases, when one column says it (a buyer's: buyer_id = theirs): the key of that role's list index
    scope = access.owner_key(user, Case)
    if scope is None and f.merchant_id:     # staff and regulators looking at one merchant: that merchant's index
        scope = (Case.merchant_id, f.merchant_id)
    return filters.apply(stmt, f), scope


def count_cases(user: User, f: CaseFilter = CaseFilter(), happened: Happened | None = None) -> Count:
    """How many cases the list holds: a COUNT over the list's own statement, stopped after COUNT_CAP + 1 rows,
    so it reads at most that many index entries however many cases there are."""
    stmt, _scope = _listed(user, f, happened)
    limited = stmt.with_only_columns(Case.id).limit(COUNT_CAP + 1).subquery()
    n = db.session.scalar(sa.select(sa.func.count()).select_from(limited))
    return Count(min(n, COUNT_CAP), n > COUNT_CAP)


def case_list(user: User, f: CaseFilter = CaseFilter(), *, cursor: str | None = None, sort: str = DEFAULT_SORT,
              happened: Happened | None = None) -> tuple[Page, dict[int, Deadline]]:
    """The cases `user` may list in the order `sort` names; returns the page and each case's running deadline.

    Ordered by a stored key and the id (SORTS), so every page, the first or the thousandth, is a range of one of
    the ix_cases_* indexes of that key after the cursor: never an OFFSET, never a sort of all rows."""
    order = SORTS[sort]
    stmt, scope = _listed(user, f, happened)
    key = order.column
    after = order.decode(cursor)
    if after:
        value, after_id = sa.literal(after[0], key.type), sa.literal(after[1])
        beyond = (lambda a, b: a < b) if order.descending else (lambda a, b: a > b)
        # PostgreSQL estimates a row comparison from its first column alone; "after 9999-01-01" (where the
        # closed cases sort) looked empty and the planner walked the whole-list index, filtering by role
        if scope:   # the role's column leads: only that role's index (…_queue, …_opened, …_amount) serves it
            stmt = stmt.where(beyond(sa.tuple_(scope[0], key, Case.id),
                                     sa.tuple_(sa.literal(scope[1]), value, after_id)))
        else:       # a plain bound the planner can estimate, implied by the comparison
            stmt = stmt.where(key <= value if order.descending else key >= value,
                              beyond(sa.tuple_(key, Case.id), sa.tuple_(value, after_id)))
    ordering = (key.desc(), Case.id.desc()) if order.descending else (key.asc(), Case.id.asc())
    cases = list(db.session.scalars(stmt.order_by(*ordering).limit(PAGE_SIZE + 1)))
    more = len(cases) > PAGE_SIZE
    cases = cases[:PAGE_SIZE]
    next_cursor = encode(getattr(cases[-1], key.key), cases[-1].id) if more else None
    return Page(cases, next_cursor), running_deadlines(cases)


def running_deadlines(cases: list[Case]) -> dict[int, Deadline]:
    """Each case's nearest pending deadline (one query for the page)."""
    running: dict[int, Deadline] = {}
    if cases:
        for d in db.session.scalars(sa.select(Deadline).where(
                Deadline.subject_type == "case", Deadline.subject_id.in_([str(c.id) for c in cases]),
                Deadline.state == "pending")):
            cid = int(d.subject_id)
            if cid not in running or d.due_at < running[cid].due_at:
                running[cid] = d
    return running


def parties_of(cases: list[Case]) -> tuple[dict[int, str], dict[int, str]]:
    """For a page of cases: merchant id -> name, buyer id -> display name (two small queries)."""
    if not cases:
        return {}, {}
    merchants = dict(db.session.execute(sa.select(Merchant.id, Merchant.name).where(
        Merchant.id.in_({c.merchant_id for c in cases}))).all())
    buyers = dict(db.session.execute(sa.select(User.id, User.display_name).where(
        User.id.in_({c.buyer_id for c in cases}))).all())
    return merchants, buyers
