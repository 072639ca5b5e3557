"""The ruling as an archival PDF: the print template rendered in Chinese and laid out by WeasyPrint as
PDF/A-3b, with the Noto Serif CJK font embedded as a subset. Nothing is fetched while rendering."""
from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale

from arbitration.audit.services import events_of
from arbitration.auth.models import User
from arbitration.cases.models import Case
from arbitration.cases.services import case_files
from arbitration.cases.timeline import lines
from arbitration.db import db
from arbitration.merchants.models import Merchant
from arbitration.pdf_render import html_to_pdf
from arbitration.signing.service import sign


def platform_name() -> str:
    return current_app.config.get("PLATFORM_NAME", "")


def ruling_context(ruling) -> dict:
    case = db.session.get(Case, ruling.case_id)
    events = [e for e in events_of("case", case.id) if e.created_at <= ruling.issued_at]
    return {"ruling": ruling, "case": case, "merchant": db.session.get(Merchant, case.merchant_id),
            "buyer": db.session.get(User, case.buyer_id),
            "arbitrator": db.session.get(User, ruling.issued_by_id) if ruling.issued_by_id else None,
            "supersedes": db.session.get(type(ruling), ruling.supersedes_id) if ruling.supersedes_id else None,
            "timeline": lines(e for e in events if e.action != "ruling.downloaded"),
            "evidence": case_files(case, until=ruling.issued_at), "platform": platform_name()}


def ruling_pdf(ruling, draft: bool = False) -> bytes:
    """The issued ruling, signed as the platform (PAdES, with a trusted timestamp when an authority is
    configured). `draft`: a draft's preview, the same document marked 草稿 / DRAFT on every page, unsigned."""
    with force_locale("zh"):
        html = render_template("rulings/print.html", **ruling_context(ruling), draft=draft)
    pdf = html_to_pdf(html)
    return pdf if draft else sign(pdf, "ruling")
