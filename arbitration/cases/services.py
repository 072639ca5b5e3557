"""Case actions. `apply_action` is the one place that checks the lifecycle table and changes a case's state;
entering a state starts that state's deadline from the policy snapshot the case opened with."""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.audit.services import record_event, record_events
from arbitration.auth.models import Role, User
from arbitration.calendar.services import load_calendar
from arbitration.cases import messages as labels  # noqa: F401  (declares the event types recorded here)
from arbitration.cases import workflow as wf
from arbitration.cases.models import CATEGORIES, REMEDIES, ArbitratorConflict, Case, CaseNumberCounter, RemedyTask
from arbitration.cases.permissions import case_role
from arbitration.cases.workflow import EVIDENCE_STAGES, Action, CaseFacts, CaseRole, CaseState
from arbitration.db import db, insert_ignore
from arbitration.deadlines import services as deadlines
from arbitration.deadlines.models import Deadline
from arbitration.errors import Conflict, InvalidInput, NotAllowed
from arbitration.evidence.models import Evidence
from arbitration.evidence.services import Subject, evidence_for
from arbitration.hooks import Hook
from arbitration.orders import services as orders
from arbitration.orders.escalations import case_opened, open_escalation
from arbitration.orders.models import Order
from arbitration.orders.refunds import check_amount
from arbitration.web_format import lazy_duration

SUBJECT = "case"
CLAIMED_SUMS = ("partial_refund", "compensation")     # remedies whose claim names its own sum

# moved(case, old_state, new_state, started_deadline, now): after a case entered a new state (old_state None:
# the case was just opened). Enforcement makes the remedy tasks; notifications tell whoever must act.
moved = Hook("cases.moved")
# moved_many(moves, now), moves = [(case, old_state, new_state, started_deadline)]: a listener of `moved` that can
# take many moves at once registers that variant here (replacing(fn)); apply_action_many calls it instead
moved_many = Hook("cases.moved_many")


def replacing(listener):
    """Decorator: `fn(moves, now)` is `listener`'s set-based variant (moved_many)."""
    def register(fn):
        fn.replaces = listener
        return moved_many.register(fn)
    return register


# ruled_by(case) -> ids of the arbitrators who issued a ruling on it (never assigned it again)
ruled_by = Hook("cases.ruled_by")


def facts_of(case: Case, role: CaseRole | None, open_tasks: int | None = None) -> CaseFacts:
    """`open_tasks`: counted by the caller already (apply_action_many), else here."""
    party = role.value if role in (CaseRole.buyer, CaseRole.merchant) else None
    closed = {"buyer": case.buyer_evidence_closed, "merchant": case.merchant_evidence_closed}.get(party, False)
    asked = frozenset(json.loads(case.reconsideration_asked_by_json))
    if open_tasks is None:
        open_tasks = db.session.scalar(sa.select(sa.func.count()).select_from(RemedyTask).where(
            RemedyTask.case_id == case.id, RemedyTask.state == "open")) if case.state == CaseState.enforcement else 0
    return CaseFacts(state=case.state, reconsideration_asked_by=asked, actor_party=party,
                     deadline_extended=case.deadline_extended, party_evidence_closed=closed, open_tasks=open_tasks)


REFUSALS = {
    "role": _l("You may not do this on this case."),
    "reconsideration_used": _l("Each party may ask for reconsideration only once."),
    "already_extended": _l("A deadline of this case was extended already."),
    "tasks_left": _l("Other remedy tasks are still open."),
    "evidence_closed": _l("Your evidence window is closed already."),
}


def lock_case(case: Case) -> Case:
    """One actor at a time on a case: its running deadlines, then the case row, read afresh (deadlines.hold: the
    sweep's order). The actor's right is then judged on what is committed: a reassignment that just committed is
    seen. Lock before changing anything on the case."""
    deadlines.hold(SUBJECT, case.id, case)
    return case


def lock_cases(case_ids) -> None:
    """lock_case for many cases at once, never waiting (the sweep's batches: deadlines.hold_many)."""
    deadlines.hold_many(SUBJECT, Case.__table__, case_ids)


def get_case_for_update(number: str) -> Case | None:
    """The case, locked for an action (see lock_case)."""
    case = get_case(number)
    return lock_case(case) if case is not None else None


def ensure_allowed(case: Case, action: Action, actor: User | None) -> CaseRole:
    """Lock the case (lock_case), then check_allowed: the check an action relies on."""
    lock_case(case)
    return check_allowed(case, action, actor)


def check_allowed(case: Case, action: Action, actor: User | None) -> CaseRole:
    """The actor's role if the table lets them take `action` now, else the refusal; no lock (for a page that only
    shows a form: the action's own request checks again under the lock)."""
    role = case_role(actor, case)
    if role is None:
        raise NotAllowed(_l("You may not do this on this case."))
    problem = wf.check(action, role, facts_of(case, role))
    if problem == "state":
        raise Conflict(_l("This case has moved on: this action is no longer possible. Reload the page."))
    if problem:
        raise (NotAllowed if problem == "role" else Conflict)(REFUSALS[problem])
    return role


def apply_action(case: Case, action: Action, actor: User | None, *, data: dict | None = None,
                 now: dt.datetime | None = None) -> Case:
    """Check the table, move the case, start the new state's deadline (closing the old one), log it."""
    now = now or clock.now_utc()
    ensure_allowed(case, action, actor)
    old = case.state
    new = wf.next_state(action, old)
    started = None
    case.changed_at = now
    if new != old:
        case.state = new
        deadlines.meet(SUBJECT, case.id, now=now)
        started = _start_deadline(case, new, now)
        if new in (CaseState.closed, CaseState.withdrawn):
            case.closed_at = now
    record_event(SUBJECT, case.id, actor, f"case.{action.value}",
                 {"number": case.number, "from": old.value, "to": new.value, **(data or {})}, now=now)
    db.session.flush()
    if new != old:
        moved(case, old, new, started, now)
    return case


def _start_deadline(case: Case, state: CaseState, now: dt.datetime):
    if not case.policy.get(state.value):
        return None
    plan = _deadline_plan(case, state, now, load_calendar())
    return deadlines.schedule(SUBJECT, case.id, plan["kind"], plan["consequence"], plan["due"], started_at=now,
                              remind_at=plan["remind_at"], working_days=plan["working_days"],
                              actor_user_id=plan["actor_user_id"], actor_merchant_id=plan["actor_merchant_id"])


def _deadline_plan(case: Case, state: CaseState, now: dt.datetime, calendar) -> dict:
    """The deadline entering `state` starts, from the case's policy snapshot: deadlines.schedule's arguments."""
    rule = case.policy[state.value]
    due = (calendar.add_working_days(now, rule["working_days"]) if rule["working_days"]
           else calendar.add_hours(now, rule["hours"]))
    who = wf.who_acts(state, case.supplementary_party)
    # the reminder: 1 working day before a deadline in working days, else 24 h before (halfway if shorter)
    remind = (calendar.add_working_days(due.at, -1).at if rule["working_days"]
              else deadlines.reminder_before(due.at, rule["hours"]))
    return dict(subject_type=SUBJECT, subject_id=case.id, kind=state.value, consequence=f"case.{rule['consequence']}",
                due=due, started_at=now, remind_at=remind, working_days=rule["working_days"] or None,
                actor_user_id=case.buyer_id if who == "buyer" else
                (case.arbitrator_id if who == "arbitrator" else None),
                actor_merchant_id=case.merchant_id if who == "merchant" else None)


def apply_action_many(cases: list[Case], action: Action, *, now: dt.datetime,
                      data_of: dict[int, dict] | None = None) -> None:
    """`apply_action` by the system on many cases at once, locked together first (lock_cases): the same table
    (wf.check on each case's facts; a refusal raises Conflict for the whole set, which the sweep then takes one by
    one), the moved cases flushed together, their old deadlines met with one UPDATE, the new ones scheduled with one
    calendar load and one flush, their events appended in bulk, then `moved` told: a listener with a set-based
    variant (moved_many) once for all, the others per case, in the order apply_action tells them."""
    ids = [case.id for case in cases]
    open_tasks = dict(db.session.execute(
        sa.select(RemedyTask.case_id, sa.func.count()).where(RemedyTask.case_id.in_(ids), RemedyTask.state == "open")
        .group_by(RemedyTask.case_id)).all())
    moves, specs = [], []
    for case in cases:
        tasks = open_tasks.get(case.id, 0) if case.state == CaseState.enforcement else 0
        problem = wf.check(action, CaseRole.system, facts_of(case, CaseRole.system, tasks))
        if problem:
            raise Conflict(_l("This case has moved on: this action is no longer possible. Reload the page."))
        old = case.state
        new = wf.next_state(action, old)
        case.changed_at = now
        if new != old:
            case.state = new
            if new in (CaseState.closed, CaseState.withdrawn):
                case.closed_at = now
        moves.append((case, old, new))
        specs.append((SUBJECT, case.id, None, f"case.{action.value}",
                      {"number": case.number, "from": old.value, "to": new.value, **(data_of or {}).get(case.id, {})}))
    db.session.flush()
    changed = [(case, old, new) for case, old, new in moves if new != old]
    deadlines.meet_many(SUBJECT, [case.id for case, _old, _new in changed], now)
    starting = [(case, new) for case, _old, new in changed if case.policy.get(new.value)]
    calendar = load_calendar() if starting else None
    started = dict(zip([case.id for case, _new in starting],
                       deadlines.schedule_many([_deadline_plan(case, new, now, calendar) for case, new in starting])))
    record_events(specs, now=now)
    told = [(case, old, new, started.get(case.id)) for case, old, new in changed]
    if not told:
        return
    replaced = set()
    for fn in moved_many.listeners():
        fn(told, now)
        replaced.add(getattr(fn, "replaces", None))
    for fn in moved.listeners():
        if fn not in replaced:
            for case, old, new, deadline in told:
                fn(case, old, new, deadline, now)


def policy_snapshot() -> dict:
    """The deadline rules in force now; a case keeps the snapshot it opened with (DESIGN §3)."""
    return {d.state.value: {"hours": d.hours, "working_days": d.working_days, "consequence": d.consequence.value}
            for d in wf.DEADLINES}


def _next_number(now: dt.datetime) -> str:
    year = now.astimezone(clock.CHINA).year
    db.session.execute(insert_ignore(CaseNumberCounter.__table__, {"year": year, "last": 0}))
    counter = db.session.execute(sa.select(CaseNumberCounter).where(CaseNumberCounter.year == year)
                                 .with_for_update().execution_options(populate_existing=True)).scalar_one()
    counter.last += 1
    return f"ARB-{year}-{counter.last:06d}"


@orders.open_case_on.register
def open_case_on(order_id: int) -> Case | None:
    return db.session.scalar(sa.select(Case).where(Case.order_id == order_id,
                                                   Case.state.not_in((CaseState.closed, CaseState.withdrawn))))


@orders.open_cases_among.register
def open_cases_among(order_ids) -> set[int]:
    """Of these orders, those with an open case (one query on ix_cases_order_id)."""
    return set(db.session.scalars(sa.select(Case.order_id).where(
        Case.order_id.in_(list(order_ids)), Case.state.not_in((CaseState.closed, CaseState.withdrawn)))))


@orders.latest_cases_on.register
def latest_cases_on(order_ids: list[int]) -> dict[int, Case]:
    """Each order's newest case, open or not (one query on ix_cases_order_id)."""
    if not order_ids:
        return {}
    found = db.session.scalars(sa.select(Case).where(Case.order_id.in_(order_ids)).order_by(Case.id))
    return {case.order_id: case for case in found}      # the later case of an order replaces the earlier


def open_case(buyer: User, order: Order, *, category: str, remedy: str, amount_fen: int | None, statement: str,
              now: dt.datetime | None = None) -> Case:
    """The buyer asks the platform to intervene, within 7 days of a refusal (the order's escalation)."""
    now = now or clock.now_utc()
    if buyer.role != Role.buyer or order.buyer_id != buyer.id:
        raise NotAllowed(_l("Only the order's buyer can open a case on it."))
    if open_case_on(order.id) is not None:
        raise Conflict(_l("A case is already open on this order."))
    escalation = open_escalation(order, now)
    if escalation is None:
        raise Conflict(_l("No case can be opened on this order now: a case may be opened within 7 days after a "
                          "refused or unanswered request."))
    if category not in CATEGORIES:
        raise InvalidInput(_l("Choose what the dispute is about."), field="category")
    if remedy not in REMEDIES:
        raise InvalidInput(_l("Choose the remedy you ask for."), field="remedy")
    if remedy in CLAIMED_SUMS:
        check_amount(order, amount_fen)
    statement = (statement or "").strip()
    if len(statement) < 10:
        raise InvalidInput(_l("Describe what happened (at least %(n)d characters).", n=10), field="statement")
    facts = escalation.facts
    case = Case(number=_next_number(now), order_id=order.id, escalation_id=escalation.id, origin=escalation.origin,
                category=category, state=CaseState.negotiation, buyer_id=buyer.id, merchant_id=order.merchant_id,
                claim_remedy=remedy, claim_amount_fen=amount_fen or 0, statement=statement,
                disputed_amount_fen=(amount_fen or 0) if remedy in CLAIMED_SUMS else order.amount_fen,
                fact_tags_json=json.dumps(sorted(set(facts.get("tags", [])) | _tags_for(category))),
                order_snapshot_json=json.dumps(facts, ensure_ascii=False, sort_keys=True),
                policy_snapshot_json=json.dumps(policy_snapshot(), sort_keys=True), opened_at=now,
                changed_at=now)
    db.session.add(case)
    db.session.flush()
    case_opened(escalation, now)
    record_event(SUBJECT, case.id, buyer, "case.opened",
                 {"number": case.number, "order": order.number, "origin": case.origin, "category": category,
                  "remedy": remedy, "amount_fen": case.claim_amount_fen}, now=now)
    record_event("order", order.id, buyer, "order.case_opened", {"case": case.number}, now=now)
    deadlines.mark_held(SUBJECT, case.id)            # new in this transaction: no one else can see it yet
    started = _start_deadline(case, CaseState.negotiation, now)
    db.session.flush()
    moved(case, None, CaseState.negotiation, started, now)
    return case


def _tags_for(category: str) -> set[str]:
    return {category} if category in ("hidden_fee", "fraud", "risk_lock", "duplicate_payment") else set()


# ---- negotiation ----

def accept_claim(case: Case, merchant: User, now: dt.datetime | None = None) -> Case:
    ensure_allowed(case, Action.accept_claim, merchant)
    case.outcome = "accepted"          # before the move: enforcement reads it to make the tasks
    apply_action(case, Action.accept_claim, merchant, now=now)
    return case


def make_offer(case: Case, merchant: User, *, remedy: str, amount_fen: int | None, text: str = "",
               now: dt.datetime | None = None) -> Case:
    ensure_allowed(case, Action.make_offer, merchant)
    if remedy not in ("partial_refund", "reissue", "compensation"):
        raise InvalidInput(_l("An offer is a partial refund, a reissue, or compensation and continue."),
                           field="remedy")
    if remedy != "reissue":
        check_amount(case.order, amount_fen)
    apply_action(case, Action.make_offer, merchant, data={"remedy": remedy, "amount_fen": amount_fen}, now=now)
    case.offer_remedy, case.offer_amount_fen, case.offer_text = remedy, amount_fen, (text or "").strip()
    return case


def refuse_claim(case: Case, merchant: User, *, reason: str, now: dt.datetime | None = None) -> Case:
    ensure_allowed(case, Action.refuse_claim, merchant)
    if len((reason or "").strip()) < 5:
        raise InvalidInput(_l("A refusal needs a reason the buyer can understand (at least 5 characters)."),
                           field="reason")
    apply_action(case, Action.refuse_claim, merchant, now=now)
    case.refusal_reason = reason.strip()
    assign_arbitrator(case, now)
    return case


def answer_offer(case: Case, buyer: User, *, accept: bool, now: dt.datetime | None = None) -> Case:
    action = Action.accept_offer if accept else Action.reject_offer
    ensure_allowed(case, action, buyer)
    if accept:
        case.outcome = "settled"       # before the move: enforcement reads it to make the tasks
    apply_action(case, action, buyer, now=now)
    if not accept:
        assign_arbitrator(case, now)
    return case


def withdraw(case: Case, buyer: User, now: dt.datetime | None = None) -> Case:
    apply_action(case, Action.withdraw, buyer, now=now)
    case.outcome = "withdrawn"
    return case


def no_more_evidence(case: Case, party_user: User, now: dt.datetime | None = None) -> Case:
    """A party closes its own evidence window; when no window is left open, the arbitrator reviews."""
    now = now or clock.now_utc()
    role = ensure_allowed(case, Action.no_more_evidence, party_user)
    if role == CaseRole.buyer:
        case.buyer_evidence_closed = True
    else:
        case.merchant_evidence_closed = True
    record_event(SUBJECT, case.id, party_user, "case.no_more_evidence", {"party": role.value}, now=now)
    db.session.flush()
    done = case.state == CaseState.supplementary or (case.buyer_evidence_closed and case.merchant_evidence_closed)
    if done and case.state in (CaseState.evidence, CaseState.supplementary):
        apply_action(case, Action.evidence_closed, None, data={"reason": "no_more_evidence"}, now=now)
    return case


def request_reconsideration(case: Case, party_user: User, *, new_facts: str, now: dt.datetime | None = None) -> Case:
    """Once per party, within the 7-day window, with new facts: a different arbitrator looks again."""
    now = now or clock.now_utc()
    role = ensure_allowed(case, Action.request_reconsideration, party_user)
    new_facts = (new_facts or "").strip()
    if len(new_facts) < 10:
        raise InvalidInput(_l("State the new facts (at least %(n)d characters).", n=10), field="new_facts")
    first_round = case.arbitrator_id
    second = choose_arbitrator(case, exclude={first_round} if first_round else None)
    if second is not None:      # before the move: the reconsideration's deadline waits for the new arbitrator
        case.arbitrator_id = second.id
    apply_action(case, Action.request_reconsideration, party_user, data={"party": role.value, "new_facts": new_facts},
                 now=now)
    case.reconsideration_asked_by_json = json.dumps(sorted(set(json.loads(case.reconsideration_asked_by_json))
                                                           | {role.value}))
    case.buyer_evidence_closed = case.merchant_evidence_closed = False
    if second is not None:
        record_event(SUBJECT, case.id, None, "case.assigned", {"arbitrator_id": second.id}, now=now)
        db.session.flush()
    return case


# ---- the arbitrator's and the supervisor's tools ----

def request_supplementary(case: Case, arbitrator: User, *, party: str, note: str,
                          now: dt.datetime | None = None) -> Case:
    """Ask one party for more evidence: its window opens again for 48 h."""
    ensure_allowed(case, Action.request_supplementary, arbitrator)
    if party not in ("buyer", "merchant"):
        raise InvalidInput(_l("Choose the party to ask."), field="party")
    if len((note or "").strip()) < 5:
        raise InvalidInput(_l("Say what evidence is needed (at least 5 characters)."), field="note")
    case.supplementary_party, case.supplementary_note = party, note.strip()
    if party == "buyer":
        case.buyer_evidence_closed = False
    else:
        case.merchant_evidence_closed = False
    db.session.flush()
    apply_action(case, Action.request_supplementary, arbitrator, data={"party": party, "note": note.strip()},
                 now=now)
    return case


MAX_EXTENSION_HOURS = 7 * 24


def extend_deadline(case: Case, arbitrator: User, *, hours: int, reason: str,
                    now: dt.datetime | None = None) -> Case:
    """Once per case, with a written reason: the running deadline moves later."""
    now = now or clock.now_utc()
    ensure_allowed(case, Action.extend_deadline, arbitrator)
    if not isinstance(hours, int) or not 1 <= hours <= MAX_EXTENSION_HOURS:
        raise InvalidInput(_l("Extend by 1 hour to %(time)s.", time=lazy_duration(hours=MAX_EXTENSION_HOURS)),
                           field="hours")
    if len((reason or "").strip()) < 5:
        raise InvalidInput(_l("An extension needs a written reason (at least 5 characters)."), field="reason")
    running = running_deadline(case)
    if running is None:
        raise Conflict(_l("No deadline is running on this case."))
    old_due = running.due_at
    running.due_at = old_due + dt.timedelta(hours=hours)
    case.deadline_extended = True
    record_event(SUBJECT, case.id, arbitrator, "case.extend_deadline",
                 {"kind": running.kind, "from": old_due.isoformat(), "to": running.due_at.isoformat(),
                  "reason": reason.strip()}, now=now)
    db.session.flush()
    deadlines.touched(SUBJECT, case.id)
    return case


def reassign(case: Case, supervisor: User, *, arbitrator_id: int, reason: str,
             now: dt.datetime | None = None) -> Case:
    ensure_allowed(case, Action.reassign, supervisor)
    target = db.session.get(User, arbitrator_id)
    if target is None or target.role != Role.arbitrator or not target.active:
        raise InvalidInput(_l("Choose an active arbitrator."), field="arbitrator_id")
    if target.id == case.arbitrator_id:
        raise InvalidInput(_l("The case is already with this arbitrator."), field="arbitrator_id")
    if target.id in conflicted_arbitrators(case):
        raise InvalidInput(_l("This arbitrator has a conflict on this case (tied to the merchant, or ruled on it "
                              "before)."), field="arbitrator_id")
    if len((reason or "").strip()) < 5:
        raise InvalidInput(_l("A reassignment needs a reason (at least 5 characters)."), field="reason")
    previous = case.arbitrator_id
    case.arbitrator_id, case.escalated = target.id, False
    record_event(SUBJECT, case.id, supervisor, "case.reassign",
                 {"from": previous, "to": target.id, "reason": reason.strip()}, now=now)
    db.session.flush()
    return case


# ---- assignment ----

def conflicted_arbitrators(case: Case) -> set[int]:
    """Never assigned to this case: arbitrators tied to its merchant, and whoever ruled on it before."""
    tied = set(db.session.scalars(sa.select(ArbitratorConflict.arbitrator_id).where(
        ArbitratorConflict.merchant_id == case.merchant_id)))
    return tied.union(*ruled_by(case))


def choose_arbitrator(case: Case, exclude: set[int] | None = None) -> User | None:
    """The arbitrator with the least open load among those without a conflict (tied to the merchant, or who
    ruled the case before), never one excluded."""
    open_load = sa.select(sa.func.count()).select_from(Case).where(
        Case.arbitrator_id == User.id, Case.state.not_in((CaseState.closed, CaseState.withdrawn))).scalar_subquery()
    stmt = sa.select(User).where(User.role == Role.arbitrator, User.active.is_(True)).order_by(open_load, User.id)
    exclude = (exclude or set()) | conflicted_arbitrators(case)
    if exclude:
        stmt = stmt.where(User.id.not_in(exclude))
    return db.session.scalar(stmt.limit(1))


def assign_arbitrator(case: Case, now: dt.datetime | None = None, exclude: set[int] | None = None) -> User | None:
    """Give the case to `choose_arbitrator`'s pick, if there is one."""
    arbitrator = choose_arbitrator(case, exclude)
    if arbitrator is None:
        return None
    case.arbitrator_id = arbitrator.id
    record_event(SUBJECT, case.id, None, "case.assigned", {"arbitrator_id": arbitrator.id}, now=now)
    db.session.flush()
    return arbitrator


def assign_arbitrators(cases: list[Case], now: dt.datetime) -> None:
    """`assign_arbitrator` for many cases in turn (the sweep's batches): the same picks as one by one — least open
    load, then lowest id, never a conflicted one — with the open loads counted once (one GROUP BY) and kept here as
    each case is given, instead of counting every arbitrator's open cases again for each case."""
    arbitrators = list(db.session.scalars(sa.select(User.id).where(User.role == Role.arbitrator,
                                                                   User.active.is_(True)).order_by(User.id)))
    if not arbitrators:
        return
    load = dict(db.session.execute(
        sa.select(Case.arbitrator_id, sa.func.count()).where(
            Case.arbitrator_id.in_(arbitrators), Case.state.not_in((CaseState.closed, CaseState.withdrawn)))
        .group_by(Case.arbitrator_id)).all())
    specs = []
    for case in cases:
        excluded = conflicted_arbitrators(case)
        candidates = [a for a in arbitrators if a not in excluded]
        if not candidates:
            continue
        pick = min(candidates, key=lambda a: (load.get(a, 0), a))
        if case.arbitrator_id in load and case.state not in (CaseState.closed, CaseState.withdrawn):
            load[case.arbitrator_id] -= 1
        case.arbitrator_id = pick
        load[pick] = load.get(pick, 0) + 1
        specs.append((SUBJECT, case.id, None, "case.assigned", {"arbitrator_id": pick}))
    db.session.flush()
    record_events(specs, now=now)


def allowed_actions(user: User | None, case: Case) -> list[Action]:
    role = case_role(user, case)
    return wf.allowed_actions(role, facts_of(case, role)) if role else []


def get_case(number: str) -> Case | None:
    return db.session.scalar(sa.select(Case).where(Case.number == number))


def running_deadline(case: Case) -> Deadline | None:
    return db.session.scalar(sa.select(Deadline).where(
        Deadline.subject_type == SUBJECT, Deadline.subject_id == str(case.id), Deadline.state == "pending")
        .order_by(Deadline.due_at).limit(1))


def evidence_subject(case: Case) -> Subject:
    """The case as something evidence is attached to: its window per party (late uploads are kept, marked)."""
    def window(party, now):
        if case.state in (CaseState.reconsideration_window, CaseState.enforcement, CaseState.closed,
                          CaseState.withdrawn):
            return False, True
        closed = case.buyer_evidence_closed if party == "buyer" else case.merchant_evidence_closed
        # negotiation and review accept files too; after a party's window closed they are marked late
        return True, closed or case.state not in EVIDENCE_STAGES | {CaseState.negotiation,
                                                                    CaseState.offer_pending}

    # the files filed with the request the case came from are before the arbitrator too: not filed twice
    request_id = case.escalation.request_id if case.escalation is not None else None
    same_files = (("order_request", str(request_id)),) if request_id else ()
    return Subject("case", case.id, case.order, window, ("case", case.id), same_files)


def case_files(case: Case, until: dt.datetime | None = None) -> list[Evidence]:
    """The files before the arbitrator: those filed with the request the case came from, then the case's."""
    files = evidence_for("case", case.id)
    if case.escalation is not None and case.escalation.request_id:
        files = evidence_for("order_request", case.escalation.request_id) + files
    return [f for f in files if until is None or f.created_at <= until]
