"""The default ruling: when the merchant lets the negotiation deadline pass, the claim is upheld by default
(a consequence the deadline engine applies; the case's other deadlines are in cases/timers.py)."""
from __future__ import annotations

from flask_babel import gettext as _

from arbitration.cases import timers as case_timers
from arbitration.cases import workflow as wf
from arbitration.cases.workflow import CaseState
from arbitration.deadlines.registry import batch, consequence
from arbitration.rulings.services import issue_default_ruling, issue_default_rulings


@consequence("case.default_ruling", lambda: _(wf.DEADLINE_BY_STATE[CaseState.negotiation].outcome))
def default_ruling(deadline, now):
    case = case_timers.deadline_case(deadline)
    if case_timers.applies(case, deadline):
        issue_default_ruling(case, deadline, now)


@batch("case.default_ruling")
def default_rulings(deadlines_due, now):
    """The same for many cases: locked together, each ruling written per case, all in the batch's transaction."""
    cases = {case.id: case for case in case_timers.cases_due(deadlines_due)}
    issue_default_rulings([(cases[int(d.subject_id)], d) for d in deadlines_due if int(d.subject_id) in cases], now)
    return []
