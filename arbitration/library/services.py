"""Publishing final decisions to the library, withholding them, and reading the library.

A decision is published by `publish_due` (the queue's minute job and `flask library publish`): every standing
decision of a case whose reconsideration window has closed (the case is in enforcement or closed with a decision
as its outcome, not settled, accepted or withdrawn) that is neither published nor withheld. Its masked copy is
made then and kept as it was: the library never reads the live case again."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from arbitration import clock
from arbitration.audit import events
from arbitration.audit.services import record_event
from arbitration.auth.models import User
from arbitration.cases.models import Case, CaseState
from arbitration.db import db
from arbitration.errors import Conflict, InvalidInput
from arbitration.library import rules
from arbitration.library.models import PublicationHold, PublicDecision
from arbitration.merchants.models import Merchant
from arbitration.orders.models import Order
from arbitration.rulings.models import Ruling
from arbitration.search.queries import FullText, match_score
from arbitration.search.text import Piece, highlight, index_words, query_words

SUBJECT = "ruling"
PAGE_SIZE = 20
FINAL_STATES = (CaseState.enforcement, CaseState.closed)
DECIDED = ("ruled", "default_ruling")            # the case's outcome when a decision ended it
LIBRARY_TEXT = FullText("public_decisions", "library_fts")

events.declare({
    "library.published": _l("The decision was published in the public decision library"),
    "library.withheld": _l("A supervisor withheld the decision from the public decision library"),
    "library.released": _l("A supervisor let the decision be published in the public decision library"),
})


def _due_query():
    later = aliased(Ruling)
    standing = ~sa.exists().where(later.case_id == Ruling.case_id, later.round > Ruling.round)
    return (sa.select(Ruling).join(Case, Case.id == Ruling.case_id)
            .where(Case.state.in_(FINAL_STATES), Case.outcome.in_(DECIDED), standing,
                   ~sa.exists().where(PublicDecision.ruling_id == Ruling.id),
                   ~sa.exists().where(PublicationHold.ruling_id == Ruling.id)))


def publish_due(now: dt.datetime | None = None, limit: int = 500) -> int:
    """Publish up to `limit` final decisions not yet in the library (oldest first); how many were."""
    now = now or clock.now_utc()
    done = 0
    for ruling in db.session.scalars(_due_query().order_by(Ruling.id).limit(limit)):
        publish(ruling, now)
        done += 1
    return done


def _names(case: Case) -> tuple[list[str], list[str], list[str]]:
    """(the people named in the case, the merchant's names, the numbers that lead to the parties)."""
    buyer = db.session.get(User, case.buyer_id)
    staff = db.session.scalars(sa.select(User).where(User.merchant_id == case.merchant_id)).all()
    people = [n for u in [buyer, *staff] if u is not None for n in (u.display_name, u.username)]
    merchant = db.session.get(Merchant, case.merchant_id)
    order = db.session.get(Order, case.order_id)
    numbers = [case.number, order.number if order else ""]
    return people, [merchant.name] if merchant else [], numbers


def publish(ruling: Ruling, now: dt.datetime) -> PublicDecision:
    case = db.session.get(Case, ruling.case_id)
    people, merchants, numbers = _names(case)

    def public(text):
        return rules.public_text(text, people=people, merchants=merchants, numbers=numbers)

    facts, reasoning = public(ruling.facts_found), public(ruling.reasoning)
    citations = [{"code": c.provision.code, "title": c.provision.title} for c in ruling.citations]
    row = PublicDecision(ruling_id=ruling.id, number=ruling.number, kind=ruling.kind, round=ruling.round,
                         category=case.category, claim_remedy=case.claim_remedy,
                         disputed_amount_fen=case.disputed_amount_fen, decision=ruling.decision,
                         found_tags_json=ruling.found_tags_json, remedies_json=ruling.remedies_json,
                         citations_json=json.dumps(citations, ensure_ascii=False), facts=facts, reasoning=reasoning,
                         words=index_words(f"{facts}\n{reasoning}"), issued_at=ruling.issued_at, published_at=now)
    db.session.add(row)
    db.session.flush()
    record_event(SUBJECT, ruling.id, None, "library.published", {"ruling": ruling.number}, now=now)
    return row


def hold_of(ruling: Ruling) -> PublicationHold | None:
    return db.session.get(PublicationHold, ruling.id)


def published(ruling: Ruling) -> PublicDecision | None:
    return db.session.scalar(sa.select(PublicDecision).where(PublicDecision.ruling_id == ruling.id))


def withhold(ruling: Ruling, supervisor: User, reason: str, now: dt.datetime | None = None) -> PublicationHold:
    """Keep the decision out of the library (taken out if it is there), with the supervisor's reason."""
    now = now or clock.now_utc()
    problem = rules.reason_problem(reason)
    if problem == "short":
        raise InvalidInput(_l("Say why the decision is withheld (at least %(n)d characters).", n=rules.MIN_REASON),
                           field="reason")
    if problem == "long":
        raise InvalidInput(_l("At most %(n)d characters.", n=rules.MAX_REASON), field="reason")
    if hold_of(ruling) is not None:
        raise Conflict(_l("This decision is withheld from the library already."))
    hold = PublicationHold(ruling_id=ruling.id, reason=reason.strip(), held_by_id=supervisor.id, held_at=now)
    db.session.add(hold)
    was_public = published(ruling)
    if was_public is not None:
        db.session.delete(was_public)
    db.session.flush()
    record_event(SUBJECT, ruling.id, supervisor, "library.withheld",
                 {"ruling": ruling.number, "reason": hold.reason, "was_published": was_public is not None}, now=now)
    return hold


def release(ruling: Ruling, supervisor: User, now: dt.datetime | None = None) -> None:
    """Lift a hold: the decision is published with the next run if it is final."""
    now = now or clock.now_utc()
    hold = hold_of(ruling)
    if hold is None:
        raise Conflict(_l("This decision is not withheld."))
    db.session.delete(hold)
    db.session.flush()
    record_event(SUBJECT, ruling.id, supervisor, "library.released", {"ruling": ruling.number}, now=now)


@dataclass(frozen=True)
class Found:
    decision: PublicDecision
    pieces: list[Piece]


@dataclass(frozen=True)
class Page:
    words: list[str]
    rows: list[Found]
    page: int
    more: bool
    total: int | None = None        # the whole library's size (no words asked)


def _filtered(query, category: str, decision: str):
    if category:
        query = query.where(PublicDecision.category == category)
    if decision:
        query = query.where(PublicDecision.decision == decision)
    return query


def browse(q: str = "", category: str = "", decision: str = "", page: int = 1) -> Page:
    """The library's decisions holding every word of `q` (best first), or the latest (no words), 20 a page."""
    d = PublicDecision
    words = query_words(q) if q.strip() else []
    offset = (page - 1) * PAGE_SIZE
    if not words:
        total = db.session.scalar(_filtered(sa.select(sa.func.count()).select_from(d), category, decision))
        rows = db.session.scalars(_filtered(sa.select(d), category, decision)
                                  .order_by(d.published_at.desc(), d.id.desc()).limit(PAGE_SIZE + 1).offset(offset))
        rows = list(rows)
        return Page([], [Found(r, highlight(r.facts, [])) for r in rows[:PAGE_SIZE]], page, len(rows) > PAGE_SIZE,
                    total)
    dialect = db.session.get_bind().dialect.name
    condition, score = match_score(dialect, words, LIBRARY_TEXT)
    query = sa.select(d, score.label("score"))
    query = query.join(condition, condition.c.doc_id == d.id) if dialect != "postgresql" else query.where(condition)
    rows = db.session.execute(_filtered(query, category, decision).order_by(sa.desc("score"), d.id.desc())
                              .limit(PAGE_SIZE + 1).offset(offset)).all()
    found = [Found(r[0], highlight(f"{r[0].facts} {r[0].reasoning}", words)) for r in rows[:PAGE_SIZE]]
    return Page(words, found, page, len(rows) > PAGE_SIZE)


def get(number: str) -> PublicDecision | None:
    return db.session.scalar(sa.select(PublicDecision).where(PublicDecision.number == number))
