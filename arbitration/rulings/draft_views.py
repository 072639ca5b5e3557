"""The ruling form (it saves a draft), the draft's preview, the confirmation before issuing, the supervisors' review
of drafts and their four-eyes rules. Routes on the rulings blueprint."""
from __future__ import annotations

from decimal import Decimal

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from arbitration.audit.services import events_of
from arbitration.auth.labels import ROLE_LABELS
from arbitration.auth.models import User
from arbitration.cases import services as cases
from arbitration.cases.models import Case
from arbitration.cases.workflow import Action
from arbitration.db import db
from arbitration.errors import DomainError, InvalidInput
from arbitration.forms import choices
from arbitration.hooks import Hook
from arbitration.rulings import drafts, review, rules, services, suggest
from arbitration.rulings.forms import FourEyesForm, ReviewNoteForm, RulingForm
from arbitration.rulings.models import RulingDraft
from arbitration.rulings.permissions import (can_read_draft, can_review_draft, can_review_drafts, can_set_four_eyes,
                                             can_write_ruling)
from arbitration.rulings.views import bp
from arbitration.web import refuse

# parts the features above rulings add (similar past decisions):
# form_parts(case, draft, user, where) -> [(template, context)] shown on the form ("form") or the issue page
# ("confirm"), issue_fields(case, draft, user) -> [(template, context)] inside the issue form,
# issue_check(case, draft, form) -> DomainError or None, before issuing; issued_with(ruling, case, draft, form,
# user) after
form_parts = Hook("rulings.form_parts")
issue_fields = Hook("rulings.issue_fields")
issue_check = Hook("rulings.issue_check")
issued_with = Hook("rulings.issued_with")

HISTORY = ("ruling.drafted", "ruling.draft_sent", "ruling.draft_approved", "ruling.draft_returned",
           "ruling.draft_issued")


# ---- the arbitrator's form ----

def _writable(number: str, for_update: bool) -> Case:
    case = cases.get_case_for_update(number) if for_update else cases.get_case(number)
    if case is None or not can_write_ruling(current_user, case):
        abort(404)
    (cases.ensure_allowed if for_update else cases.check_allowed)(case, Action.issue_ruling, current_user)
    return case


def _content(form: RulingForm) -> drafts.Content:
    picked = [rules.Remedy("full_refund")] if form.full_refund.data else []
    if form.partial_refund.data is not None:
        picked.append(rules.Remedy("partial_refund", form.partial_refund.fen() or 0))
    picked += [rules.Remedy(name) for name in ("reissue", "void_fee") if form[name].data]
    if form.compensation.data is not None:
        picked.append(rules.Remedy("compensation", form.compensation.fen() or 0))
    other = (form.other_citations.data or "").replace("，", ",").replace(" ", ",").split(",")
    return drafts.Content(decision=form.decision.data or None, facts_found=form.facts_found.data or "",
                          reasoning=form.reasoning.data or "", found_tags=tuple(form.found_tags.data or ()),
                          remedies=tuple(picked), citations=drafts.codes(list(form.citations.data or []) + other))


def _form_data(draft: RulingDraft | None, case: Case, suggested: set[str]) -> dict:
    """The form as the draft left it; a first visit has the checklist filled from the case's recorded facts."""
    if draft is None:
        return {"found_tags": services.recorded_facts(case)}
    remedies = {r["remedy"]: r["amount_fen"] for r in draft.remedies}

    def amount(name):
        return Decimal(remedies[name]) / 100 if name in remedies else None
    return {"decision": draft.decision, "facts_found": draft.facts_found, "reasoning": draft.reasoning,
            "found_tags": draft.found_tags, "full_refund": "full_refund" in remedies,
            "partial_refund": amount("partial_refund"), "reissue": "reissue" in remedies,
            "void_fee": "void_fee" in remedies, "compensation": amount("compensation"),
            "citations": [c for c in draft.citations if c in suggested],
            "other_citations": ", ".join(c for c in draft.citations if c not in suggested)}


@bp.route("/cases/<number>/ruling", methods=["GET", "POST"])
@login_required
def new(number: str):
    """The ruling form: it saves the arbitrator's draft (resumed on the next visit); issuing comes after a
    confirmation page."""
    case = _writable(number, for_update=request.method == "POST")
    draft = drafts.current_draft(case, current_user)
    do = request.form.get("do", "save")
    if request.method == "GET":
        found = draft.found_tags if draft else services.recorded_facts(case)
        ranked = services.suggestions(case, found)
        form = RulingForm(data=_form_data(draft, case, {p.code for p, _s in ranked}))
    else:
        form = RulingForm()
        ranked = services.suggestions(case, form.found_tags.data or [])
    form.citations.choices = choices((p.code, p.title) for p, _s in ranked)
    status = 200
    if request.method == "POST" and do != "refresh":
        status = 400
        if form.validate_on_submit():
            try:
                draft = drafts.save_draft(case, current_user, _content(form))
            except DomainError as err:
                refuse(err, form)
                status = err.status
                draft = drafts.current_draft(case, current_user)
            else:
                if do == "preview":
                    return redirect(url_for("rulings.preview", draft_id=draft.id))
                if do == "issue":
                    return redirect(url_for("rulings.confirm", number=case.number))
                flash(_("The draft is saved. Only you and the supervisors can see it; the parties see nothing until "
                        "the ruling is issued."), "success")
                return redirect(url_for("rulings.new", number=case.number))
    return render_template("rulings/new.html", case=case, form=form, ranked=ranked, draft=draft,
                           parts=_parts(form_parts(case, draft, current_user, "form")),
                           shown=suggest.SHOWN, money=services.money_of(case), reason_text=services.reason_text,
                           punitive_cap=rules.compensation_cap(services.money_of(case), rules.PUNITIVE_CODES),
                           **_review_status(draft, case)), status


def _review_status(draft: RulingDraft | None, case: Case) -> dict:
    """What the arbitrator and the supervisor see of a draft's review: the review deadline (still the arbitrator's)
    and the time the draft has spent with supervisors."""
    return {"review_deadline": cases.running_deadline(case),
            "seconds_in_review": drafts.seconds_in_review(draft) if draft else 0,
            "reviewer": db.session.get(User, draft.reviewer_id) if draft and draft.reviewer_id else None,
            "reason_message": review.reason_message, "minutes": _minutes}


def _minutes(seconds: int) -> str:
    hours, minutes = divmod(max(0, seconds) // 60, 60)
    return _("%(h)d h %(m)d min", h=hours, m=minutes)


# ---- confirming and issuing ----

def _confirm_page(case: Case, status: int = 200):
    draft = drafts.current_draft(case, current_user)
    if draft is None:
        flash(_("Save the draft first."), "error")
        return redirect(url_for("rulings.new", number=case.number))
    try:
        p = drafts.prepared(draft)
    except InvalidInput as err:
        flash(str(err), "error")
        return redirect(url_for("rulings.new", number=case.number))
    needs = drafts.review_needed(draft, p) if draft.state in ("draft", "returned") else []
    return render_template("rulings/confirm.html", case=case, draft=draft, p=p, needs=needs,
                           parts=_parts(form_parts(case, draft, current_user, "confirm")),
                           fields=_parts(issue_fields(case, draft, current_user)),
                           **_review_status(draft, case)), status


def _parts(lists) -> list:
    return [part for parts in lists for part in parts or ()]


@bp.route("/cases/<number>/ruling/issue", methods=["GET"])
@login_required
def confirm(number: str):
    """What issuing will do, in words: the decision, the remedies with their amounts, the provisions cited."""
    return _confirm_page(_writable(number, for_update=False))


@bp.route("/cases/<number>/ruling/issue", methods=["POST"])
@login_required
def issue(number: str):
    case = _writable(number, for_update=True)
    draft = drafts.current_draft(case, current_user)
    problem = next((p for p in issue_check(case, draft, request.form) if p), None) if draft else None
    if problem is not None:
        refuse(problem)
        return _confirm_page(case, problem.status)
    try:
        ruling = drafts.issue_draft(case, current_user)
    except InvalidInput as err:               # the draft does not issue as it stands: back to it, with why
        refuse(err)
        return redirect(url_for("rulings.new", number=case.number))
    except DomainError as err:                # a supervisor must approve it first, or is reviewing it
        refuse(err)
        return _confirm_page(case, err.status)
    issued_with(ruling, case, draft, request.form, current_user)
    flash(_("Ruling %(number)s is issued. Its PDF is being prepared.", number=ruling.number), "success")
    return redirect(url_for("cases.detail", number=case.number))


@bp.route("/cases/<number>/ruling/send", methods=["POST"])
@login_required
def send_for_review(number: str):
    case = _writable(number, for_update=True)
    try:
        drafts.send_for_review(case, current_user)
    except InvalidInput as err:
        refuse(err)
        return redirect(url_for("rulings.new", number=case.number))
    except DomainError as err:
        refuse(err)
        return _confirm_page(case, err.status)
    flash(_("The draft is with the supervisors. You will be able to issue it once one of them approves it; your "
            "review deadline keeps running."), "success")
    return redirect(url_for("rulings.new", number=case.number))


# ---- a draft: its page and its preview (its arbitrator and supervisors) ----

def _draft(draft_id: int) -> RulingDraft:
    draft = drafts.get_draft(draft_id)
    if draft is None or not can_read_draft(current_user, draft):
        abort(404)
    return draft


def _draft_page(draft: RulingDraft, form: ReviewNoteForm | None = None, status: int = 200):
    case = drafts.case_of(draft)
    try:
        p, problem = drafts.prepared(draft), None
    except InvalidInput as err:
        p, problem = None, str(err)
    history = [(e, ROLE_LABELS.get(e.actor_role, e.actor_role)) for e in events_of(review.DRAFT_SUBJECT, draft.id)
               if e.action in HISTORY]
    return render_template("rulings/draft.html", case=case, draft=draft, p=p, problem=problem, history=history,
                           author=db.session.get(User, draft.author_id), form=form or ReviewNoteForm(),
                           can_review=can_review_draft(current_user, draft) and draft.state == "in_review",
                           **_review_status(draft, case)), status


@bp.route("/rulings/drafts/<int:draft_id>")
@login_required
def draft(draft_id: int):
    return _draft_page(_draft(draft_id))


@bp.route("/rulings/drafts/<int:draft_id>/preview")
@login_required
def preview(draft_id: int):
    """The document issuing would produce, marked 草稿 / DRAFT on every page: not stored, not hashed, not sent."""
    found = _draft(draft_id)
    try:
        data = drafts.preview_pdf(found)
    except InvalidInput as err:
        flash(_("The draft cannot be previewed yet: %(why)s", why=str(err)), "error")
        if found.author_id == current_user.id:
            return redirect(url_for("rulings.new", number=drafts.case_of(found).number))
        return redirect(url_for("rulings.draft", draft_id=found.id))
    name = f"{drafts.case_of(found).number}-draft.pdf"
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store, private"})


def _reviewed(draft_id: int) -> RulingDraft:
    draft = _draft(draft_id)
    if not can_review_draft(current_user, draft):
        abort(403)
    return draft


@bp.route("/rulings/drafts/<int:draft_id>/approve", methods=["POST"])
@login_required
def approve(draft_id: int):
    draft, form = _reviewed(draft_id), ReviewNoteForm()
    if form.validate_on_submit():
        try:
            drafts.approve(draft, current_user, form.note.data or "")
        except DomainError as err:
            refuse(err, form)
            return _draft_page(draft, form, err.status)
        flash(_("The draft is approved: its arbitrator may now issue it."), "success")
        return redirect(url_for("rulings.drafts_waiting"))
    return _draft_page(draft, form, 400)


@bp.route("/rulings/drafts/<int:draft_id>/return", methods=["POST"])
@login_required
def return_draft(draft_id: int):
    draft, form = _reviewed(draft_id), ReviewNoteForm()
    if form.validate_on_submit():
        try:
            drafts.return_draft(draft, current_user, form.note.data or "")
        except DomainError as err:
            refuse(err, form)
            return _draft_page(draft, form, err.status)
        flash(_("The draft is returned to its arbitrator with your note."), "success")
        return redirect(url_for("rulings.drafts_waiting"))
    return _draft_page(draft, form, 400)


# ---- the supervisors ----

@bp.route("/rulings/drafts")
@login_required
def drafts_waiting():
    """The drafts waiting for a supervisor, longest waiting first, each with its case's review deadline."""
    if not can_review_drafts(current_user):
        abort(403)
    rows = []
    for waiting in drafts.waiting_for_review():
        case = drafts.case_of(waiting)
        rows.append((waiting, case, db.session.get(User, waiting.author_id), cases.running_deadline(case)))
    return render_template("rulings/drafts.html", rows=rows, seconds_in_review=drafts.seconds_in_review,
                           minutes=_minutes, reason_message=review.reason_message)


@bp.route("/rulings/four-eyes", methods=["GET", "POST"])
@login_required
def four_eyes():
    """The rules that send a draft to a supervisor before it can be issued."""
    if not can_set_four_eyes(current_user):
        abort(403)
    people = review.arbitrators()
    rows = review.rule_rows()
    if request.method == "GET":
        amount = rows.get("amount_over")
        form = FourEyesForm(data={
            "amount_over": Decimal(amount.amount_fen) / 100 if amount is not None and amount.enabled else None,
            "in_training": bool(rows.get("in_training") and rows["in_training"].enabled),
            "reversal": bool(rows.get("reversal") and rows["reversal"].enabled),
            "trainees": sorted(review.trainees())})
    else:
        form = FourEyesForm()
    form.trainees.choices = choices((u.id, u.display_name) for u in people)
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            try:
                review.change_rules(current_user, amount_over_fen=form.amount_over.fen(),
                                    in_training=bool(form.in_training.data), reversal=bool(form.reversal.data),
                                    trainee_ids=form.trainees.data or [])
            except DomainError as err:
                refuse(err, form)
                status = err.status
            else:
                flash(_("The four-eyes rules are saved; they apply to drafts sent or issued from now on."), "success")
                return redirect(url_for("rulings.four_eyes"))
    return render_template("rulings/four_eyes.html", form=form, rows=rows), status
