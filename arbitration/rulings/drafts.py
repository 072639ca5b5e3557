"""Ruling drafts: the arbitrator writes a ruling as a draft (saved and resumed), previews it as the exact document
marked 草稿, sends it to a supervisor when the four-eyes rules say so, and issues it through issue_ruling. Drafts
are seen by their arbitrator and supervisors only; their events go on the draft's own chain, with no text of the
draft in them."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from arbitration import clock, pdf_fonts, pdf_render
from arbitration.audit.services import record_event
from arbitration.auth.models import Role, User
from arbitration.cases import services as cases
from arbitration.cases.models import Case
from arbitration.cases.workflow import Action, CaseState
from arbitration.db import db
from arbitration.errors import Conflict, InvalidInput, NotAllowed
from arbitration.rulings import pdf as documents
from arbitration.rulings import review, rules, services, suggest
from arbitration.rulings.models import DECISIONS, Ruling, RulingDraft
from arbitration.rulings.review_rules import EDITABLE
from arbitration.rulings.suggest import N_

RULING_STATES = (CaseState.review, CaseState.reconsideration)
NOTE_MIN = 5


@dataclass(frozen=True)
class Content:
    """What the ruling form holds (unchecked until the draft is previewed, sent or issued)."""
    decision: str | None = None
    facts_found: str = ""
    reasoning: str = ""
    found_tags: tuple[str, ...] = ()
    remedies: tuple[rules.Remedy, ...] = ()
    citations: tuple[str, ...] = ()

    def as_issued(self) -> dict:
        """The arguments of services.prepare_ruling / issue_ruling."""
        return {"decision": self.decision or "", "facts_found": self.facts_found, "reasoning": self.reasoning,
                "remedies": list(self.remedies), "citations": list(self.citations), "found_tags": self.found_tags}


def content_of(draft: RulingDraft) -> Content:
    return Content(draft.decision, draft.facts_found, draft.reasoning, tuple(draft.found_tags),
                   tuple(rules.Remedy(r["remedy"], r["amount_fen"]) for r in draft.remedies), tuple(draft.citations))


def codes(typed: Iterable[str]) -> tuple[str, ...]:
    """Provision codes as typed or ticked: trimmed, upper case, each once, in order."""
    return tuple(dict.fromkeys(c.strip().upper() for c in typed if c and c.strip()))


def next_round(case: Case) -> int:
    latest = db.session.scalar(sa.select(sa.func.max(Ruling.round)).where(Ruling.case_id == case.id))
    return (latest or 0) + 1


def current_draft(case: Case, arbitrator: User) -> RulingDraft | None:
    """The arbitrator's draft for the case's next ruling."""
    return db.session.scalar(sa.select(RulingDraft).where(
        RulingDraft.case_id == case.id, RulingDraft.round == next_round(case), RulingDraft.author_id == arbitrator.id))


def get_draft(draft_id: int) -> RulingDraft | None:
    return db.session.get(RulingDraft, draft_id)


def case_of(draft: RulingDraft) -> Case:
    return db.session.get(Case, draft.case_id)


def _this_round():
    """The round a draft of its case would rule now (next_round, in SQL): a draft of an earlier round is history."""
    return RulingDraft.round == (sa.select(sa.func.coalesce(sa.func.max(Ruling.round), 0) + 1)
                                 .where(Ruling.case_id == RulingDraft.case_id).scalar_subquery())


def waiting_for_review(limit: int | None = None) -> list[RulingDraft]:
    """Drafts with a supervisor, longest waiting first, whose case still awaits that arbitrator's ruling in the
    draft's round."""
    stmt = (sa.select(RulingDraft).join(Case, Case.id == RulingDraft.case_id)
            .where(RulingDraft.state == "in_review", Case.arbitrator_id == RulingDraft.author_id,
                   Case.state.in_(RULING_STATES), _this_round())
            .order_by(RulingDraft.sent_at, RulingDraft.id))
    return list(db.session.scalars(stmt if limit is None else stmt.limit(limit)))


def needing_the_author(arbitrator: User, limit: int = 20) -> list[RulingDraft]:
    """The arbitrator's drafts back from a supervisor (returned or approved) on cases still awaiting the ruling."""
    return list(db.session.scalars(
        sa.select(RulingDraft).join(Case, Case.id == RulingDraft.case_id)
        .where(RulingDraft.author_id == arbitrator.id, RulingDraft.state.in_(("returned", "approved")),
               Case.arbitrator_id == arbitrator.id, Case.state.in_(RULING_STATES), _this_round())
        .order_by(RulingDraft.reviewed_at, RulingDraft.id).limit(limit)))


# ---- the arbitrator ----

def save_draft(case: Case, arbitrator: User, content: Content, now: dt.datetime | None = None) -> RulingDraft:
    """Save the form as the arbitrator's draft (created on the first save). A draft with a supervisor cannot
    change; changing an approved draft lapses its approval."""
    now = now or clock.now_utc()
    cases.ensure_allowed(case, Action.issue_ruling, arbitrator)
    if content.decision not in (None, *DECISIONS):
        raise InvalidInput(_l("Choose the decision on the claim."), field="decision")
    if any(tag not in suggest.FINDINGS for tag in content.found_tags):
        raise InvalidInput(_l("Choose findings from the list."), field="found_tags")
    values = {"decision": content.decision, "facts_found": content.facts_found.strip(),
              "reasoning": content.reasoning.strip(),
              "found_tags_json": json.dumps([f for f in suggest.FINDINGS if f in content.found_tags]),
              "remedies_json": json.dumps([{"remedy": r.remedy, "amount_fen": r.amount_fen}
                                           for r in content.remedies]),
              "citations_json": json.dumps(list(codes(content.citations)))}
    draft = current_draft(case, arbitrator)
    if draft is None:
        draft = RulingDraft(case_id=case.id, round=next_round(case), author_id=arbitrator.id,
                            state=review.DRAFT_FLOW.check_start("draft"), created_at=now, updated_at=now, **values)
        db.session.add(draft)
        db.session.flush()
        record_event(review.DRAFT_SUBJECT, draft.id, arbitrator, "ruling.drafted",
                     review.event_data(draft, {"fields": _names(values)}), now=now)
        return draft
    if draft.state not in EDITABLE:
        raise Conflict(_l("A supervisor is reviewing this draft: it can be changed once it is approved or "
                          "returned."))
    changed = [name for name, value in values.items() if getattr(draft, name) != value]
    if not changed:
        return draft
    for name in changed:
        setattr(draft, name, values[name])
    draft.updated_at = now
    lapsed = draft.state == "approved"
    if lapsed:
        review.move(draft, "draft", now)
    db.session.flush()
    record_event(review.DRAFT_SUBJECT, draft.id, arbitrator, "ruling.drafted",
                 review.event_data(draft, {"fields": _names(changed), "approval_lapsed": lapsed}), now=now)
    return draft


def _names(columns: Iterable[str]) -> list[str]:
    return [c.removesuffix("_json") for c in columns]


def prepared(draft: RulingDraft) -> services.Prepared:
    """The draft checked as issuing checks it (InvalidInput if it would not issue), its amounts settled."""
    return services.prepare_ruling(case_of(draft), **content_of(draft).as_issued())


def review_needed(draft: RulingDraft, p: services.Prepared) -> list:
    """Why the draft must go to a supervisor (the rules in force, on its content as it stands)."""
    return review.reasons_for(case_of(draft), db.session.get(User, draft.author_id), p.decision, p.remedies)


def send_for_review(case: Case, arbitrator: User, now: dt.datetime | None = None) -> RulingDraft:
    """The draft goes to the supervisors, checked whole first (no half-written draft waits for a supervisor). An
    arbitrator may ask for a second pair of eyes when no rule requires one."""
    now = now or clock.now_utc()
    cases.ensure_allowed(case, Action.issue_ruling, arbitrator)
    draft = _own(case, arbitrator)
    if draft.state not in ("draft", "returned"):
        raise Conflict(_l("This draft is already with a supervisor or approved."))
    reasons = review_needed(draft, prepared(draft))
    stored = [{"key": k, "message": m, "params": p} for k, m, p in reasons] or \
        [{"key": "asked", "message": ASKED, "params": {}}]
    draft.review_reasons_json = json.dumps(stored, ensure_ascii=False)
    draft.sent_at, draft.reviewer_id, draft.reviewed_at, draft.review_note = now, None, None, ""
    review.move(draft, "in_review", now)
    record_event(review.DRAFT_SUBJECT, draft.id, arbitrator, "ruling.draft_sent",
                 review.event_data(draft, {"reasons": [r["key"] for r in stored]}), now=now)
    return draft


ASKED = N_("The arbitrator asked for a supervisor's review.")


def issue_draft(case: Case, arbitrator: User, now: dt.datetime | None = None) -> Ruling:
    """Issue the arbitrator's draft, confirmed: through issue_ruling, the one place that issues."""
    cases.ensure_allowed(case, Action.issue_ruling, arbitrator)
    draft = _own(case, arbitrator)
    return services.issue_ruling(case, arbitrator, draft=draft, now=now, **content_of(draft).as_issued())


def _own(case: Case, arbitrator: User) -> RulingDraft:
    draft = current_draft(case, arbitrator)
    if draft is None:
        raise Conflict(_l("Save the draft first."))
    return draft


def preview_pdf(draft: RulingDraft, now: dt.datetime | None = None) -> bytes:
    """The document issuing would produce now (same builder, template and renderer), marked 草稿 / DRAFT on every
    page; never stored, never hashed, never sent."""
    now = now or clock.now_utc()
    case = case_of(draft)
    ruling = services.build_ruling(case, db.session.get(User, draft.author_id), kind="reasoned", p=prepared(draft),
                                   now=now)
    pdf_fonts.require("ruling")
    data = documents.ruling_pdf(ruling, draft=True)
    pdf_render.check_fonts(data, "ruling")
    return data


# ---- the supervisor ----

def _for_review(draft: RulingDraft, supervisor: User) -> RulingDraft:
    if supervisor.role != Role.supervisor:
        raise NotAllowed(_l("Only a supervisor approves or returns a draft ruling."))
    case = cases.lock_case(case_of(draft))
    db.session.refresh(draft)
    if draft.state != "in_review":
        raise Conflict(_l("This draft is not waiting for a supervisor (it was approved, returned or issued)."))
    if case.arbitrator_id != draft.author_id or case.state not in RULING_STATES or draft.round != next_round(case):
        raise Conflict(_l("This case has moved on: the draft can no longer be issued."))
    return draft


def _close_review(draft: RulingDraft, supervisor: User, note: str, now: dt.datetime) -> dict:
    seconds = max(0, int((now - draft.sent_at).total_seconds()))
    draft.reviewer_id, draft.reviewed_at, draft.review_note = supervisor.id, now, note
    draft.review_seconds += seconds
    return {"note": note, "seconds_in_review": seconds}


def approve(draft: RulingDraft, supervisor: User, note: str = "", now: dt.datetime | None = None) -> RulingDraft:
    now = now or clock.now_utc()
    draft = _for_review(draft, supervisor)
    data = _close_review(draft, supervisor, (note or "").strip(), now)
    review.move(draft, "approved", now)
    record_event(review.DRAFT_SUBJECT, draft.id, supervisor, "ruling.draft_approved", review.event_data(draft, data),
                 now=now)
    return draft


def return_draft(draft: RulingDraft, supervisor: User, note: str, now: dt.datetime | None = None) -> RulingDraft:
    """Back to the arbitrator with a note (required): it must come back to a supervisor before it is issued."""
    now = now or clock.now_utc()
    draft = _for_review(draft, supervisor)
    note = (note or "").strip()
    if len(note) < NOTE_MIN:
        raise InvalidInput(_l("Say what should change (at least %(n)d characters).", n=NOTE_MIN), field="note")
    data = _close_review(draft, supervisor, note, now)
    review.move(draft, "returned", now)
    record_event(review.DRAFT_SUBJECT, draft.id, supervisor, "ruling.draft_returned", review.event_data(draft, data),
                 now=now)
    return draft


def seconds_in_review(draft: RulingDraft, now: dt.datetime | None = None) -> int:
    """All the time the draft spent with supervisors, the current review included."""
    running = 0
    if draft.state == "in_review" and draft.sent_at is not None:
        running = int(((now or clock.now_utc()) - draft.sent_at).total_seconds())
    return draft.review_seconds + max(0, running)
