"""Rulings: issuing one (by the arbitrator, or by the system when the merchant misses the negotiation
deadline), rendering its PDF off the request path, finding a ruling by its PDF's hash."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration import pdf_fonts, pdf_render
from arbitration.audit.services import record_event
from arbitration.auth.models import User
from arbitration.cases import enforcement
from arbitration.cases import services as cases
from arbitration.cases import workflow as wf
from arbitration.cases.models import Case
from arbitration.cases.workflow import Action, CaseState
from arbitration.db import commit, db, rollback
from arbitration.errors import Conflict, InvalidInput
from arbitration.hooks import Hook
from arbitration.jobs.queue import job
from arbitration.law import services as law
from arbitration.law.models import Provision
from arbitration.money import yuan
from arbitration.orders.refunds import refunded_so_far
from arbitration.orders.rules import refundable
from arbitration.rulings import messages as labels  # noqa: F401  (declares the event types recorded here)
from arbitration.rulings import review, rules, suggest
from arbitration.rulings.models import DECISIONS, Ruling, RulingCitation, RulingDraft
from arbitration.rulings import pdf as documents
from arbitration.storage import app_store, new_key
from arbitration.web_format import format_local

log = logging.getLogger(__name__)
SUBJECT = cases.SUBJECT
MAX_PDF_BYTES = 50 * 1024 * 1024
DEFAULT_CITATIONS = 4          # a default ruling cites the top suggestions for the case's facts ...
DEFAULT_PROCESS_CODE = "ECL-63"  # ... and the provision on the platform's dispute process
DEFAULT_LEAVES_OUT = {"process", "electronic_evidence", "evidence_both_sides"}   # (the merits are not examined)
# ready(ruling, case, now): a ruling's document is issued (notifications tell both parties)
ready = Hook("rulings.ready")
# issued(rulings): rulings were just written (flushed), in the issuing transaction (precedents keep the decisions
# in force by category)
issued = Hook("rulings.issued")


def rulings_of(case: Case) -> list[Ruling]:
    return list(db.session.scalars(sa.select(Ruling).where(Ruling.case_id == case.id).order_by(Ruling.round)))


def current_ruling(case: Case) -> Ruling | None:
    """The ruling in force: the latest round (a reconsideration supersedes the first)."""
    return db.session.scalar(sa.select(Ruling).where(Ruling.case_id == case.id).order_by(Ruling.round.desc())
                             .limit(1))


@enforcement.ruled_remedies.register
def remedies_in_force(case: Case) -> list[tuple[str, int]]:
    """What the ruling in force orders, as enforcement's tasks."""
    ruling = current_ruling(case)
    return remedy_pairs(ruling) if ruling else []


def remedy_pairs(ruling: Ruling) -> list[tuple[str, int]]:
    return [(r["remedy"], r["amount_fen"]) for r in ruling.remedies]


@cases.ruled_by.register
def issued_by(case: Case) -> set[int]:
    """The arbitrators who issued a ruling on the case (never assigned it again)."""
    return set(db.session.scalars(sa.select(Ruling.issued_by_id).where(Ruling.case_id == case.id,
                                                                       Ruling.issued_by_id.is_not(None))))


def get_ruling(number: str) -> Ruling | None:
    return db.session.scalar(sa.select(Ruling).where(Ruling.number == number))


def superseded_by(ruling: Ruling) -> Ruling | None:
    return db.session.scalar(sa.select(Ruling).where(Ruling.supersedes_id == ruling.id))


def money_of(case: Case) -> rules.Money:
    order = case.order
    return rules.Money(paid_fen=order.amount_fen, refundable_fen=refundable(order.amount_fen, refunded_so_far(order)))


def evidence_from(case: Case) -> frozenset[str]:
    """The parties with files before the arbitrator (the request's and the case's)."""
    return frozenset(f.party for f in cases.case_files(case))


def recorded_facts(case: Case) -> list[str]:
    """The facts checklist as the case's record fills it, for the arbitrator to confirm or remove."""
    return suggest.recorded_facts(case.fact_tags, case.order_snapshot.get("order", {}))


def case_facts(case: Case, found_tags: Iterable[str] | None = None) -> suggest.CaseFacts:
    """The facts suggestions read: the checklist as confirmed (None: as the record fills it), and the files."""
    found = recorded_facts(case) if found_tags is None else found_tags
    return suggest.CaseFacts(found=frozenset(found), evidence_from=evidence_from(case))


def reason_text(reason: str) -> str:
    """A suggestion's reason in the current language."""
    if reason.startswith("facts:"):
        facts = "、".join(str(labels.FACT_LABELS.get(f, f)) for f in reason[6:].split(","))
        return _("The provision itself speaks of a fact of this case: %(facts)s", facts=facts)
    return _(reason)


def suggestions(case: Case, found_tags: Iterable[str] | None = None, limit: int | None = None):
    """[(provision, suggestion)] ranked, current versions only."""
    provisions = {p.code: p for p in law.current_all()}
    ranked = suggest.suggest(case_facts(case, found_tags),
                             [suggest.Candidate(p.code, frozenset(p.applies_when)) for p in provisions.values()],
                             limit=limit)
    return [(provisions[s.code], s) for s in ranked]


# ---- issuing ----

def _problem(field: str, message: str, params: dict) -> InvalidInput:
    if "amount_fen" in params:
        params = {"amount": yuan(params["amount_fen"])}
    return InvalidInput(_l(message, **params), field=field)


def _cited(codes: Iterable[str]) -> list[Provision]:
    provisions, seen = [], set()
    for code in codes:
        code = (code or "").strip().upper()
        if not code or code in seen:
            continue
        seen.add(code)
        provision = law.current(code)
        if provision is None:
            raise InvalidInput(_l("%(code)s is not a provision in force in the law library.", code=code),
                               field="citations")
        provisions.append(provision)
    if not provisions:
        raise InvalidInput(_l("Cite at least one provision."), field="citations")
    return provisions


@dataclass(frozen=True)
class Prepared:
    """A ruling's content, checked whole, with its amounts settled: what issuing writes and a preview shows."""
    decision: str
    facts_found: str
    reasoning: str
    found: list[str]
    remedies: list[rules.Remedy]
    provisions: list[Provision]
    reasons: dict


def prepare_ruling(case: Case, *, decision: str, facts_found: str, reasoning: str, remedies: list[rules.Remedy],
                   citations: list[str], found_tags: Iterable[str] | None = None) -> Prepared:
    """Check a reasoned ruling's content against the order and the law cited; nothing is written. `found_tags`:
    the facts the arbitrator confirmed (None, from code that records no findings: the citations' reasons come
    from the case's recorded facts, and the ruling records no findings)."""
    if decision not in DECISIONS:
        raise InvalidInput(_l("Choose the decision on the claim."), field="decision")
    facts_found, reasoning = (facts_found or "").strip(), (reasoning or "").strip()
    if len(facts_found) < 10:
        raise InvalidInput(_l("State the facts found (at least %(n)d characters).", n=10), field="facts_found")
    if len(reasoning) < 20:
        raise InvalidInput(_l("The reasoning is required (at least %(n)d characters).", n=20), field="reasoning")
    found = sorted(set(found_tags or ()))
    if any(tag not in suggest.FINDINGS for tag in found):
        raise InvalidInput(_l("Choose findings from the list."), field="found_tags")
    provisions = _cited(citations)
    money = money_of(case)
    problems = rules.check(decision, remedies, money, {p.code for p in provisions})
    if problems:
        raise _problem(*problems[0])
    reasons = {p.code: s for p, s in suggestions(case, None if found_tags is None else found)}
    return Prepared(decision, facts_found, reasoning, found, rules.settle_amounts(remedies, money), provisions,
                    reasons)


def issue_ruling(case: Case, arbitrator: User, *, decision: str, facts_found: str, reasoning: str,
                 remedies: list[rules.Remedy], citations: list[str], found_tags: Iterable[str] | None = None,
                 draft: RulingDraft | None = None, now: dt.datetime | None = None) -> Ruling:
    """The arbitrator's reasoned decision, the one place that issues one. Checked whole before anything is
    written; a draft the supervisors' rules send to a supervisor is issued only once approved. Then the case
    moves on (first round: the reconsideration window; a reconsideration: enforcement) and the PDF is rendered."""
    now = now or clock.now_utc()
    cases.ensure_allowed(case, Action.issue_ruling, arbitrator)
    if draft is not None and draft.state not in ("draft", "approved"):
        raise Conflict(_l("This draft is with a supervisor or was returned: it is issued once a supervisor "
                          "approves it."))
    p = prepare_ruling(case, decision=decision, facts_found=facts_found, reasoning=reasoning, remedies=remedies,
                       citations=citations, found_tags=found_tags)
    needs = review.reasons_for(case, arbitrator, p.decision, p.remedies)
    approved = draft is not None and draft.state == "approved"
    if needs and not approved:
        raise Conflict(_l("A supervisor must approve this ruling before it is issued: %(why)s",
                          why=" ".join(str(review.reason_message(r)) for r in needs)))
    ruling = _create(case, arbitrator, kind="reasoned", p=p, now=now)
    case.outcome = "ruled"
    data = _event_data(ruling)
    if draft is not None:
        data["approved_by_supervisor"] = approved
    cases.apply_action(case, Action.issue_ruling, arbitrator, data=data, now=now)
    if draft is not None:
        draft.ruling_id = ruling.id
        review.move(draft, "issued", now)
        record_event(review.DRAFT_SUBJECT, draft.id, arbitrator, "ruling.draft_issued",
                     review.event_data(draft, {"ruling": ruling.number}), now=now)
    return ruling


def issue_default_ruling(case: Case, deadline, now: dt.datetime) -> Ruling:
    """The merchant let the negotiation deadline pass: the claim is upheld by default, issued by the system,
    saying which deadline was missed and when (DESIGN §3); either party may still ask for reconsideration."""
    cases.lock_case(case)
    p, missed = _default_parts(case, deadline)
    ruling = _create(case, None, kind="default", p=p, now=now, missed=missed)
    case.outcome = "default_ruling"
    cases.apply_action(case, Action.default_ruling, None, data=_event_data(ruling), now=now)
    return ruling


def issue_default_rulings(pairs: list[tuple[Case, object]], now: dt.datetime) -> list[Ruling]:
    """`issue_default_ruling` for many (case, deadline) pairs whose cases are locked together already
    (cases.lock_cases): each ruling's texts, suggestions and citations made per case, the rulings written with one
    flush, the cases moved by `cases.apply_action_many` (the same table, the same events)."""
    made = []
    for case, deadline in pairs:
        p, missed = _default_parts(case, deadline)
        made.append(build_ruling(case, None, kind="default", p=p, now=now, missed=missed))
    db.session.add_all(made)
    db.session.flush()
    issued(made)
    for (case, _deadline), ruling in zip(pairs, made):
        render_ruling.enqueue_after_commit(ruling.id)
        case.outcome = "default_ruling"
    cases.apply_action_many([case for case, _deadline in pairs], Action.default_ruling, now=now,
                            data_of={case.id: _event_data(ruling) for (case, _d), ruling in zip(pairs, made)})
    return made


def _default_parts(case: Case, deadline) -> tuple[Prepared, dict]:
    """A default ruling's content: what was missed, the claim as far as the order allows it, the citations."""
    with force_locale("zh"):
        due = format_local(deadline.due_at, "yyyy-MM-dd HH:mm")
        stage = _(wf.DEADLINE_BY_STATE[CaseState.negotiation].who_label)
        facts_found = _("Case %(case)s was opened on %(opened)s. The merchant had to answer the claim (accept, "
                        "offer or refuse) by %(due)s and did not.", case=case.number,
                        opened=format_local(case.opened_at, "yyyy-MM-dd HH:mm"), due=due)
        reasoning = _("Under the published deadline rules of the platform's dispute process, a merchant who does "
                      "not answer within the negotiation deadline has the buyer's claim upheld by default. This "
                      "decision does not examine the merits; either party may ask once, within 7 days, for a "
                      "reconsideration with new facts.")
    money = money_of(case)
    remedy = rules.Remedy(case.claim_remedy, case.claim_amount_fen or 0)
    # what the buyer asked for, as far as the order still allows it: an amount above what is left is cut to it,
    # a refund of nothing is left out (the buyer was paid back already)
    if remedy.remedy in rules.WITH_AMOUNT:
        remedy = rules.Remedy(remedy.remedy, min(remedy.amount_fen, money.refundable_fen))
    remedies = [r for r in rules.settle_amounts([remedy], money) if not rules.check("upheld", [r], money, set())]
    ranked = suggestions(case)
    codes = [p.code for p, s in ranked if set(s.rules) - DEFAULT_LEAVES_OUT]
    codes = codes[:DEFAULT_CITATIONS] + [DEFAULT_PROCESS_CODE]
    provisions = [p for code in dict.fromkeys(codes) if (p := law.current(code)) is not None]
    p = Prepared("upheld", facts_found, reasoning, [], remedies, provisions, {s.code: s for _p, s in ranked})
    return p, {"stage": CaseState.negotiation.value, "due_at": deadline.due_at.isoformat(), "who": "merchant",
               "what": stage}


def _event_data(ruling: Ruling) -> dict:
    return {"ruling": ruling.number, "decision": ruling.decision, "remedies": ruling.remedies,
            "citations": [f"{c.provision.code} v{c.provision.version}" for c in ruling.citations],
            "missed_deadline": ruling.missed_deadline}


def build_ruling(case: Case, arbitrator: User | None, *, kind: str, p: Prepared, now: dt.datetime,
                 missed: dict | None = None) -> Ruling:
    """The ruling as issuing writes it, not yet in the database: issuing adds it, a draft's preview renders it."""
    previous = current_ruling(case)
    round_ = previous.round + 1 if previous else 1
    ruling = Ruling(number=f"{case.number}-{round_}", case_id=case.id, round=round_, kind=kind,
                    supersedes_id=previous.id if previous else None,
                    issued_by_id=arbitrator.id if arbitrator else None, issued_at=now, decision=p.decision,
                    facts_found=p.facts_found, reasoning=p.reasoning, found_tags_json=json.dumps(p.found),
                    remedies_json=json.dumps([{"remedy": r.remedy, "amount_fen": r.amount_fen} for r in p.remedies]),
                    missed_deadline_json=json.dumps(missed, ensure_ascii=False) if missed else None,
                    pdf_state="pending")
    with force_locale("zh"):          # the document's language: the reasons are written into it
        citations = []
        for position, provision in enumerate(p.provisions, start=1):
            s = p.reasons.get(provision.code)
            reason = "；".join(reason_text(r) for r in s.reasons) if s and s.reasons else ""
            citations.append(RulingCitation(provision=provision, provision_id=provision.id, position=position,
                                            reason=reason))
    ruling.citations = citations
    return ruling


def _create(case: Case, arbitrator: User | None, *, kind: str, p: Prepared, now: dt.datetime,
            missed: dict | None = None) -> Ruling:
    ruling = build_ruling(case, arbitrator, kind=kind, p=p, now=now, missed=missed)
    db.session.add(ruling)
    db.session.flush()
    issued([ruling])
    render_ruling.enqueue_after_commit(ruling.id)
    return ruling


# ---- the PDF ----

@job(retries=3, retry_delay=30)
def render_ruling(ruling_id: int) -> None:
    """Render, store, record the hash; a failure leaves the ruling 'being prepared' and is retried."""
    ruling = db.session.get(Ruling, ruling_id, with_for_update=True)
    if ruling is None or ruling.pdf_state == "ready":
        return
    try:
        make_pdf(ruling)
    except Exception as err:
        # the case page says "being prepared (retrying)"; the queue retries, `flask rulings render-pending` too
        log.exception("rendering ruling %s failed", ruling.number)
        rollback()
        ruling = db.session.get(Ruling, ruling_id)
        ruling.pdf_state, ruling.pdf_error = "failed", f"{type(err).__name__}: {err}"[:300]
        commit()
        raise


def make_pdf(ruling: Ruling, now: dt.datetime | None = None) -> Ruling:
    now = now or clock.now_utc()
    pdf_fonts.require("ruling")                 # its Chinese font installed and found, or no render at all
    data = documents.ruling_pdf(ruling)
    pdf_render.check_fonts(data, "ruling")      # and embedded: never a document of boxes, hashed and issued
    stored = app_store().put_stream(new_key("rulings", now), data, max_bytes=MAX_PDF_BYTES,
                                    content_type="application/pdf")
    ruling.pdf_key, ruling.pdf_sha256, ruling.pdf_size = stored.key, stored.sha256, stored.size
    ruling.pdf_state, ruling.pdf_ready_at, ruling.pdf_error = "ready", now, None
    case = db.session.get(Case, ruling.case_id)
    record_event(SUBJECT, case.id, None, "ruling.pdf_ready",
                 {"ruling": ruling.number, "sha256": stored.sha256, "size": stored.size}, now=now)
    db.session.flush()
    ready(ruling, case, now)
    return ruling


def pending_rulings() -> list[Ruling]:
    return list(db.session.scalars(sa.select(Ruling).where(Ruling.pdf_state != "ready").order_by(Ruling.id)))


def find_by_pdf(chunks: Iterable[bytes]) -> tuple[str, Ruling | None]:
    """(sha256 of the file, the issued ruling whose PDF it is, if any)."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    sha = digest.hexdigest()
    return sha, db.session.scalar(sa.select(Ruling).where(Ruling.pdf_sha256 == sha, Ruling.pdf_state == "ready"))


def record_download(actor, ruling: Ruling, now: dt.datetime | None = None) -> None:
    record_event(SUBJECT, ruling.case_id, actor, "ruling.downloaded", {"ruling": ruling.number}, now=now)
