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
from arbitration.rulings import services as rulings
from arbitration.rulings.models import Ruling, RulingCitation, RulingDraft
from arbitration.search.models import SearchDocument
from arbitration.search.text import index_words

CANDIDATES = 400                 # the latest decisions of the case's category that are scored
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


def facts_of(case: Case, draft: RulingDraft | None = None) -> rank.Facts:
    """The case as compared: the findings as the draft has them (else as the record fills them), its words."""
    found = draft.found_tags if draft is not None else rulings.recorded_facts(case)
    words = set(_words_of([case.id]).get(case.id, ()))
    if draft is not None and draft.facts_found:
        words |= set(index_words(draft.facts_found).split())
    return rank.Facts(case.category, frozenset(found), case.claim_remedy, case.disputed_amount_fen, case.merchant_id,
                      frozenset(words))


def _words_of(case_ids: list[int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    rows = db.session.execute(sa.select(SearchDocument.case_id, SearchDocument.words)
                              .where(SearchDocument.case_id.in_(case_ids), SearchDocument.source.in_(CASE_WORDS)))
    for case_id, words in rows:
        out.setdefault(case_id, set()).update(words.split())
    return out


def similar(case: Case, draft: RulingDraft | None = None, limit: int = rank.SHOWN) -> list[Shown]:
    """The issued decisions closest to this case, best first (a decision a reconsideration replaced is left out:
    the one that replaced it stands for its case)."""
    replaced = sa.select(Ruling.supersedes_id).where(Ruling.supersedes_id.is_not(None))
    rows = db.session.execute(
        sa.select(Ruling, Case).join(Case, Case.id == Ruling.case_id)
        .where(Case.category == case.category, Case.id != case.id, Ruling.id.not_in(replaced))
        .order_by(Ruling.issued_at.desc(), Ruling.id.desc()).limit(CANDIDATES)).all()
    if not rows:
        return []
    words = _words_of([c.id for _r, c in rows])
    precedents, by_number = [], {}
    for ruling, other in rows:
        facts = rank.Facts(other.category, frozenset(json.loads(ruling.found_tags_json)), other.claim_remedy,
                           other.disputed_amount_fen, other.merchant_id, frozenset(words.get(other.id, ())))
        precedents.append(rank.Precedent(ruling.number, facts, ruling.decision,
                                         tuple(r["remedy"] for r in json.loads(ruling.remedies_json))))
        by_number[ruling.number] = (ruling, other)
    ranked = rank.rank(facts_of(case, draft), precedents, limit)
    cites = _citations([by_number[s.precedent.ruling_number][0].id for s in ranked])
    return [Shown(rank.Scored(rank.Precedent(s.precedent.ruling_number, s.precedent.facts, s.precedent.decision,
                                             s.precedent.remedies, cites.get(by_number[s.precedent.ruling_number][0].id,
                                                                             ())), s.score, s.reasons),
                  *by_number[s.precedent.ruling_number]) for s in ranked]


def _citations(ruling_ids: list[int]) -> dict[int, tuple[str, ...]]:
    out: dict[int, list[str]] = {}
    rows = db.session.execute(sa.select(RulingCitation.ruling_id, Provision.code)
                              .join(Provision, Provision.id == RulingCitation.provision_id)
                              .where(RulingCitation.ruling_id.in_(ruling_ids)).order_by(RulingCitation.position))
    for ruling_id, code in rows:
        out.setdefault(ruling_id, []).append(code)
    return {k: tuple(v) for k, v in out.items()}


def departure(case: Case, draft: RulingDraft) -> rank.Departure | None:
    """Whether the draft's decision departs from most of the close precedents."""
    return rank.departure(draft.decision, [s.scored for s in similar(case, draft)])


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
