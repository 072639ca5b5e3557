"""Similar past decisions on the ruling form and the issue page, the departure prompt, and the page where staff
read a precedent (an arbitrator may not open another case, but may read how it was decided)."""
from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from arbitration import clock
from arbitration.audit import events
from arbitration.audit.services import record_event
from arbitration.auth.models import Role, User
from arbitration.auth.permissions import require, role_of
from arbitration.cases.models import Case
from arbitration.db import db
from arbitration.cases import views as case_pages
from arbitration.cases.messages import CATEGORY_LABELS
from arbitration.errors import DomainError, InvalidInput
from arbitration.precedents import reports, services
from arbitration.precedents.models import PrecedentDeparture
from arbitration.privacy import masking
from arbitration.rulings import draft_views
from arbitration.rulings import services as rulings
from arbitration.rulings.messages import FINDING_LABELS
from arbitration.web import refuse

bp = Blueprint("precedents", __name__)
MAX_REASON = 2000
events.declare({"ruling.departure_explained":
                _l("The arbitrator said why the decision departs from most similar past decisions")})


@bp.app_context_processor
def _helpers():
    return {"precedent_reason": reason_text}


def reason_text(message: str, params: dict) -> str:
    """A reason a precedent is similar, in the reader's language (findings and words listed)."""
    values = dict(params)
    if "findings" in values:
        values["findings"] = "、".join(str(FINDING_LABELS.get(f, f)) for f in values["findings"])
    if "words" in values:
        values["words"] = "、".join(values["words"])
    return gettext(message, **values)


def can_read_precedents(user) -> bool:
    """Whoever decides or oversees decisions: arbitrators, supervisors, regulators."""
    return role_of(user) in (Role.arbitrator, Role.supervisor, Role.regulator)


@draft_views.form_parts.register
def _similar_on_the_form(case, draft, user, where):
    parts = []
    cited = services.cited_in_messages(case)
    if cited:
        parts.append(("precedents/_cited.html", {"cited": cited}))
    if where == "form":
        parts.append(("precedents/_similar.html", {"similar": services.similar(case, draft)}))
    elif draft is not None:
        gone, close = services.departure_of(case, draft)
        if gone is not None:
            parts.append(("precedents/_departure.html", {"departure": gone, "close": close}))
    return parts


@draft_views.issue_fields.register
def _reason_field(case, draft, user):
    if draft is None or services.departure(case, draft) is None:
        return []
    return [("precedents/_reason_field.html", {})]


@draft_views.issue_check.register
def _reason_given(case, draft, form):
    if services.departure(case, draft) is None:
        return None
    reason = (form.get("departure_reason") or "").strip()
    if len(reason) < 10:
        return InvalidInput(_l("This decision departs from most of the similar past decisions: say why (at least "
                               "10 characters)."), field="departure_reason")
    if len(reason) > MAX_REASON:
        return InvalidInput(_l("At most %(n)d characters.", n=MAX_REASON), field="departure_reason")
    return None


@draft_views.issued_with.register
def _keep_the_reason(ruling, case, draft, form, user):
    reason = (form.get("departure_reason") or "").strip()
    if not reason:
        return
    gone, close = services.departure_of(case, draft)       # judged on the draft, as the confirmation page was
    now = clock.now_utc()
    numbers = [s.ruling.number for s in close]
    db.session.add(PrecedentDeparture(ruling_id=ruling.id, decision=ruling.decision,
                                      usual=gone.usual if gone else "", close_numbers_json=json.dumps(numbers),
                                      reason=reason[:MAX_REASON], recorded_by_id=user.id, recorded_at=now))
    db.session.flush()
    record_event("case", case.id, user, "ruling.departure_explained",
                 {"ruling": ruling.number, "usual": gone.usual if gone else "", "precedents": numbers}, now=now)


@case_pages.page_context.register
def _reports_on_the_case_page(case, user) -> dict:
    readable = reports.can_read(user, case)
    return {"retrieval_reports": reports.reports_of(case) if readable else [],
            "can_attach_report": reports.can_attach(user, case), "can_read_reports": readable}


def _default_query(case, shown) -> str:
    facts = services.facts_of(case)
    words = sorted({w for s in shown for m, p in s.scored.reasons for w in p.get("words", ())},
                   key=lambda w: (-len(w), w))[:8]
    parts = [f"{gettext('Category')}：{CATEGORY_LABELS[case.category]}"]
    if facts.findings:
        found = "、".join(str(FINDING_LABELS.get(f, f)) for f in sorted(facts.findings))
        parts.append(f"{gettext('Facts found')}：{found}")
    if words:
        parts.append(f"{gettext('Words')}：" + " ".join(words))
    return "；".join(parts)


@bp.route("/cases/<number>/retrieval-report", methods=["GET", "POST"])
@login_required
def report(number: str):
    """The retrieval report form: the similar decisions found, each followed or distinguished, and why."""
    case = db.session.scalar(sa.select(Case).where(Case.number == number))
    if case is None or not reports.can_attach(current_user, case):
        abort(404)
    shown = services.similar(case, limit=10)
    status, problem = 200, None
    if request.method == "POST":
        entries = [reports.Entry(s.ruling.number, request.form.get(f"verdict_{s.ruling.number}", ""),
                                 request.form.get(f"reason_{s.ruling.number}", "")) for s in shown]
        try:
            reports.attach_report(case, current_user, query=request.form.get("query", ""), entries=entries,
                                  scores={s.ruling.number: s.scored.score for s in shown})
        except DomainError as err:
            refuse(err)
            status, problem = err.status, err
        else:
            flash(gettext("The retrieval report is attached to the case file."), "success")
            return redirect(url_for("cases.detail", number=case.number) + "#retrieval-reports")
    return render_template("precedents/report.html", case=case, shown=shown, problem=problem,
                           query=request.form.get("query") if request.method == "POST" else _default_query(case, shown),
                           reports=reports.reports_of(case)), status


@bp.route("/precedents/<number>")
@require(can_read_precedents)
def detail(number: str):
    ruling = rulings.get_ruling(number)
    if ruling is None:
        abort(404)
    case = db.session.get(Case, ruling.case_id)
    buyer = db.session.get(User, case.buyer_id)
    names = [buyer.display_name] if buyer and buyer.display_name else []
    # read by staff of other cases: the parties' personal information masked, as the dossier masks it
    return render_template("precedents/detail.html", ruling=ruling, case=case,
                           facts=masking.mask_text(ruling.facts_found, names),
                           reasoning=masking.mask_text(ruling.reasoning, names),
                           citations=ruling.citations, remedies=json.loads(ruling.remedies_json),
                           found=json.loads(ruling.found_tags_json))
