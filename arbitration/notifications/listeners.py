"""Who hears about what: a new case tells the merchant; a case's new stage tells whoever must act; an issued
ruling tells both parties; every deadline's reminder goes to the people it waits for, once (the deadline engine
claims each reminder once); a deadline a calendar change moved tells the people it waits for and both parties of
its case. The features call their hooks; this module listens."""
from __future__ import annotations

from arbitration.auth.models import User
from arbitration.cases import services as cases
from arbitration.cases import workflow as wf
from arbitration.cases.models import Case
from arbitration.cases.workflow import CaseState
from arbitration.db import db
from arbitration.deadlines import recompute, registry
from arbitration.notifications.services import merchant_staff, notify
from arbitration.rulings import services as rulings
from arbitration.web_format import format_local, path_for


def waiting_for(deadline) -> list[User]:
    users = []
    if deadline.actor_user_id:
        users.append(db.session.get(User, deadline.actor_user_id))
    if deadline.actor_merchant_id:
        users += merchant_staff(deadline.actor_merchant_id)
    return [u for u in users if u is not None and u.active]


@registry.reminder_handler
def remind(deadline, now):
    title, link = registry.describe_subject(deadline.subject_type, deadline.subject_id)
    notify(waiting_for(deadline), "reminder",
           {"what": registry.kind_label(deadline.kind), "subject": title, "due": format_local(deadline.due_at)},
           link or "", now=now)


@recompute.rescheduled.register
def deadline_rescheduled(deadline, was, now) -> None:
    """The kind and subject are named when the notification is read, in the reader's language (the admin whose
    change moved the date may read another)."""
    people = waiting_for(deadline)
    if deadline.subject_type == "case":
        case = db.session.get(Case, int(deadline.subject_id))
        people += [db.session.get(User, case.buyer_id), *merchant_staff(case.merchant_id)]
    _title, link = registry.describe_subject(deadline.subject_type, deadline.subject_id)
    notify(people, "deadline_moved",
           {"kind": deadline.kind, "subject_type": deadline.subject_type, "subject_id": deadline.subject_id,
            "was": format_local(was), "due": format_local(deadline.due_at)}, link or "", now=now)


@cases.moved.register
def case_moved(case, old, new, deadline, now) -> None:
    """Tell the merchant of a new case; tell whoever must act in the case's new stage; tell both parties when
    it is decided or ends."""
    link = path_for("cases.detail", number=case.number)
    if old is None:
        notify(merchant_staff(case.merchant_id), "case_opened", {"case": case.number, "order": case.order.number},
               link, now=now)
    buyer = db.session.get(User, case.buyer_id)
    parties = [buyer] + merchant_staff(case.merchant_id)
    if new in (CaseState.reconsideration_window, CaseState.enforcement, CaseState.closed, CaseState.withdrawn):
        notify(parties, "outcome", {"case": case.number, "state": new.value}, link, now=now)
    if deadline is not None:
        rule = wf.DEADLINE_BY_STATE[new]
        notify(waiting_for(deadline) or (parties if rule.who == "both" else []), "your_turn",
               {"case": case.number, "what": rule.who_label, "due": format_local(deadline.due_at)}, link, now=now)


@rulings.ready.register
def ruling_ready(ruling, case, now) -> None:
    buyer = db.session.get(User, case.buyer_id)
    notify([buyer, *merchant_staff(case.merchant_id)], "ruling_ready", {"case": case.number, "ruling": ruling.number},
           path_for("cases.detail", number=case.number), now=now)
