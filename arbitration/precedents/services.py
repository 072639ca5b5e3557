"""Similar past decisions for a case: the issued decisions closest to it (rank.py scores them), the decision
numbers the parties cite in their messages, and the departure check on issuing."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import sqlalchemy as sa

from arbitration.cases.models import Case, CaseMessage
from arbitration.db import db
from arbitration.law.models import Provision
from arbitration.precedents import rank
from arbitration.precedents.models import StandingDecision
from arbitration.rulings import services as rulings
from arbitration.rulings.models import Ruling, RulingCitation, RulingDraft
from arbitration.search.models import SearchDocument
from arbitration.search.text import index_words

CANDIDATES = 300                 # the latest decisions of the case's category that are scored
CITED = re.compile(r"ARB-\d{4}-\d{6}-\d+")
CASE_WORDS = ("statement", "refusal", "request")


@dataclass(frozen=True)
class Shown:
    scored: rank.Scored
    ruling: Ruling
    case: Case


@dataclass(frozen=True)
class Cited:
    number: str
    message: CaseMessage
    ruling: Ruling | None          # None: no decision has this number


def facts_of(case: Case, draft: RulingDraft | None = None, words: set[str] | None = None) -> rank.Facts:
    """The case as compared: the findings as the draft has them (else as the record fills them), its words (read
    from the index unless given)."""
    found = draft.found_tags if draft is not None else rulings.recorded_facts(case)
    words = set(_words_of([case.id]).get(case.id, ()) if words is None else words)
    if draft is not None and draft.facts_found:
        words |= set(index_words(draft.facts_found).split())
    return rank.Facts(case.category, frozenset(found), case.claim_remedy, case.disputed_amount_fen, case.merchant_id,
                      frozenset(words))


def _words_of(case_ids) -> dict[int, set[str]]:
    """The words of these cases' own texts (a list of ids, or a select of them) from the search index."""
    out: dict[int, set[str]] = {}
    rows = db.session.execute(sa.select(SearchDocument.case_id, SearchDocument.words)
                              .where(SearchDocument.case_id.in_(case_ids), SearchDocument.source.in_(CASE_WORDS)))
    for case_id, words in rows:
        out.setdefault(case_id, set()).update(words.split())
    return out


@rulings.issued.register
def keep_standing(made: list[Ruling]) -> None:
    """The decision in force of each case a ruling was just issued on: its latest round (a reconsideration's
    ruling replaces the first). Runs in the issuing transaction, so the table is never behind the rulings."""
    case_ids = sorted({r.case_id for r in made})
    latest: dict[int, tuple[int, str]] = {}
    for ruling_id, case_id, category in db.session.execute(
            sa.select(Ruling.id, Ruling.case_id, Case.category).join(Case, Case.id == Ruling.case_id)
            .where(Ruling.case_id.in_(case_ids)).order_by(Ruling.case_id, Ruling.round)):
        latest[case_id] = (ruling_id, category)
    db.session.execute(sa.delete(StandingDecision).where(StandingDecision.case_id.in_(case_ids)))
    db.session.execute(sa.insert(StandingDecision), [
        {"case_id": case_id, "ruling_id": ruling_id, "category": category}
        for case_id, (ruling_id, category) in latest.items()])


def similar(case: Case, draft: RulingDraft | None = None, limit: int = rank.SHOWN) -> list[Shown]:
    """The issued decisions closest to this case, best first (a decision a reconsideration replaced is left out:
    the one that replaced it stands for its case)."""
    s = StandingDecision
    # the latest cases of the category that have a decision in force (a range of the small table), then the
    # ruling and the case by key; columns only: the full rows are loaded for the few shown
    latest = (sa.select(s.case_id, s.ruling_id).where(s.category == case.category, s.case_id != case.id)
              .order_by(s.case_id.desc()).limit(CANDIDATES).subquery())
    rows = db.session.execute(
        sa.select(Ruling.id, Ruling.number, Ruling.decision, Ruling.found_tags_json, Ruling.remedies_json,
                  Case.id.label("case_id"), Case.category, Case.claim_remedy, Case.disputed_amount_fen,
                  Case.merchant_id)
        .select_from(latest).join(Ruling, Ruling.id == latest.c.ruling_id).join(Case, Case.id == latest.c.case_id)
        .order_by(latest.c.case_id.desc())).all()
    if not rows:
        return []
    # the case's own words and the candidates', in one query (the candidates as a subquery: no list of 300 ids)
    words = _words_of(sa.union_all(sa.select(latest.c.case_id), sa.select(sa.literal(case.id))))
    precedents, by_number = [], {}
    for r in rows:
        facts = rank.Facts(r.category, frozenset(json.loads(r.found_tags_json)), r.claim_remedy,
                           r.disputed_amount_fen, r.merchant_id, frozenset(words.get(r.case_id, ())))
        precedents.append(rank.Precedent(r.number, facts, r.decision))
        by_number[r.number] = r
    ranked = rank.rank(facts_of(case, draft, words.get(case.id, set())), precedents, limit)
    shown = [by_number[x.precedent.ruling_number] for x in ranked]
    cites = _citations([r.id for r in shown])
    full_rulings = {r.id: r for r in db.session.scalars(sa.select(Ruling).where(Ruling.id.in_([r.id for r in shown])))}
    full_cases = {c.id: c for c in db.session.scalars(sa.select(Case).where(Case.id.in_([r.case_id for r in shown])))}
    out = []
    for x, r in zip(ranked, shown):
        p = x.precedent
        remedies = tuple(m["remedy"] for m in json.loads(r.remedies_json))     # parsed for the shown only
        scored = rank.Scored(rank.Precedent(p.ruling_number, p.facts, p.decision, remedies, cites.get(r.id, ())),
                             x.score, x.reasons)
        out.append(Shown(scored, full_rulings[r.id], full_cases[r.case_id]))
    return out


def _citations(ruling_ids: list[int]) -> dict[int, tuple[str, ...]]:
    out: dict[int, list[str]] = {}
    rows = db.session.execute(sa.select(RulingCitation.ruling_id, Provision.code)
                              .join(Provision, Provision.id == RulingCitation.provision_id)
                              .where(RulingCitation.ruling_id.in_(ruling_ids)).order_by(RulingCitation.position))
    for ruling_id, code in rows:
        out.setdefault(ruling_id, []).append(code)
    return {k: tuple(v) for k, v in out.items()}


def departure_of(case: Case, draft: RulingDraft) -> tuple[rank.Departure | None, list[Shown]]:
    """Whether the draft's decision departs from most of the close precedents, and those precedents (what the
    confirmation page shows and the kept answer records: the same draft, the same list)."""
    close = [s for s in similar(case, draft) if s.scored.score >= rank.CLOSE]
    return rank.departure(draft.decision, [s.scored for s in close]), close


def departure(case: Case, draft: RulingDraft) -> rank.Departure | None:
    """Whether the draft's decision departs from most of the close precedents."""
    return departure_of(case, draft)[0]


def cited_in_messages(case: Case) -> list[Cited]:
    """Decision numbers a party wrote in a message on this case, each once, with the decision if it exists."""
    seen, out = set(), []
    messages = db.session.scalars(sa.select(CaseMessage).where(CaseMessage.case_id == case.id,
                                                               CaseMessage.audience == "all",
                                                               CaseMessage.sender_role.in_(("buyer", "merchant")))
                                  .order_by(CaseMessage.id))
    for message in messages:
        for number in CITED.findall(message.body):
            if number not in seen:
                seen.add(number)
                out.append(Cited(number, message, db.session.scalar(sa.select(Ruling).where(Ruling.number == number))))
    return out
