"""Four eyes: the supervisors' rules (read and changed here), whether a draft needs a supervisor's approval, and
the one function that moves a draft from state to state. Drafts keep their own event chain (subject
`ruling_draft`): it is internal, like the draft, and never shown to the parties."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.audit.services import record_event
from arbitration.auth.models import Role, User
from arbitration.cases.models import Case
from arbitration.db import db
from arbitration.errors import InvalidInput
from arbitration.money import yuan
from arbitration.rulings import messages as labels  # noqa: F401  (declares the event types recorded here)
from arbitration.rulings.models import ArbitratorInTraining, FourEyesRule, Ruling, RulingDraft
from arbitration.rulings.review_rules import DRAFT_FLOW, DraftFacts, FourEyes, Reason, review_reasons

DRAFT_SUBJECT = "ruling_draft"
SETTINGS_SUBJECT = "four_eyes"
MONEY_REMEDIES = ("full_refund", "partial_refund", "compensation")


# ---- the rules ----

def rules_in_force() -> FourEyes:
    rows = {r.kind: r for r in db.session.scalars(sa.select(FourEyesRule))}
    amount = rows.get("amount_over")
    return FourEyes(amount_over_fen=amount.amount_fen if amount is not None and amount.enabled else None,
                    in_training=frozenset(trainees()) if _enabled(rows, "in_training") else frozenset(),
                    reversal=_enabled(rows, "reversal"))


def _enabled(rows: dict, kind: str) -> bool:
    return kind in rows and rows[kind].enabled


def rule_rows() -> dict[str, FourEyesRule]:
    return {r.kind: r for r in db.session.scalars(sa.select(FourEyesRule))}


def trainees() -> set[int]:
    return set(db.session.scalars(sa.select(ArbitratorInTraining.user_id)))


def arbitrators() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.role == Role.arbitrator, User.active.is_(True))
                                   .order_by(User.display_name, User.id)))


def change_rules(actor: User, *, amount_over_fen: int | None, in_training: bool, reversal: bool,
                 trainee_ids: Iterable[int], now: dt.datetime | None = None) -> None:
    """A supervisor (or admin) sets the rules: an amount (None: that rule off), whether arbitrators marked in
    training and reversing reconsiderations go to a supervisor, and who is in training. Logged."""
    now = now or clock.now_utc()
    if amount_over_fen is not None and amount_over_fen <= 0:
        raise InvalidInput(_l("The amount must be more than zero."), field="amount_over")
    wanted = set(trainee_ids)
    known = {u.id for u in arbitrators()}
    if wanted - known:
        raise InvalidInput(_l("Choose arbitrators from the list."), field="trainees")
    rows = rule_rows()
    for kind, enabled, amount in (("amount_over", amount_over_fen is not None, amount_over_fen),
                                  ("in_training", in_training, None), ("reversal", reversal, None)):
        row = rows.get(kind) or FourEyesRule(kind=kind)
        row.enabled, row.amount_fen, row.updated_at, row.updated_by_id = enabled, amount, now, actor.id
        db.session.add(row)
    current = trainees()
    for user_id in current - wanted:
        db.session.delete(db.session.get(ArbitratorInTraining, user_id))
    for user_id in wanted - current:
        db.session.add(ArbitratorInTraining(user_id=user_id, since=now, marked_by_id=actor.id))
    db.session.flush()
    record_event(SETTINGS_SUBJECT, "rules", actor, "four_eyes.changed",
                 {"amount_over_fen": amount_over_fen, "in_training": in_training, "reversal": reversal,
                  "trainees": sorted(wanted)}, now=now)


# ---- whether a draft needs a supervisor ----

def draft_facts(case: Case, arbitrator: User, decision: str, remedies: Iterable) -> DraftFacts:
    """`remedies`: rules.Remedy with their amounts settled (a full refund at what is refundable)."""
    first = db.session.scalar(sa.select(Ruling.decision).where(Ruling.case_id == case.id)
                              .order_by(Ruling.round.desc()).limit(1))
    return DraftFacts(arbitrator_id=arbitrator.id, decision=decision, price_fen=case.order.amount_fen,
                      ordered_fen=sum(r.amount_fen for r in remedies if r.remedy in MONEY_REMEDIES),
                      first_decision=first)


def reasons_for(case: Case, arbitrator: User, decision: str, remedies: Iterable) -> list[Reason]:
    return review_reasons(rules_in_force(), draft_facts(case, arbitrator, decision, remedies))


def reason_message(reason: Reason | dict):
    """A reason in words (lazy), from the rules' tuple or as stored on the draft."""
    key, message, params = (reason["key"], reason["message"], reason["params"]) if isinstance(reason, dict) \
        else reason
    words = {name[:-4]: yuan(value) for name, value in params.items() if name.endswith("_fen")}
    return _l(message, **words)


# ---- the draft's one mover ----

def move(draft: RulingDraft, to: str, now: dt.datetime | None = None) -> str:
    """Move the draft as DRAFT_FLOW allows (the one place that sets its state); returns the state it left. The
    caller records the step on the draft's chain (`event_data`)."""
    old = DRAFT_FLOW.move(draft, to)
    draft.updated_at = now or clock.now_utc()
    db.session.flush()
    return old


def event_data(draft: RulingDraft, data: dict) -> dict:
    """What a draft's event says: its case, round and state, and what the step adds; never the draft's text."""
    case_number = db.session.scalar(sa.select(Case.number).where(Case.id == draft.case_id))
    return {"case": case_number, "round": draft.round, "state": draft.state, **data}
