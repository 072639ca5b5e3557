"""A case dossier for regulators: one PDF with the cover, parties, order facts, claim, the full timeline from
the event log, every deadline and whether it was met, the evidence manifest, the rulings with their citations
and PDF hashes, and the event chain's head with whether it verifies. Chinese, PDF/A-3b, page numbers;
optionally the evidence files attached inside the PDF."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale

from arbitration.audit import anchors
from arbitration.audit.services import events_of, verify_subject
from arbitration.auth.models import User
from arbitration.cases.messaging import notes_of
from arbitration.cases.models import Case, CaseMessage
from arbitration.cases.services import case_files
from arbitration.cases.timeline import actor_label, lines
from arbitration.db import db
from arbitration.deadlines.services import all_for
from arbitration.merchants.models import Merchant
from arbitration.pdf_render import Attached, html_to_pdf
from arbitration.precedents.reports import reports_of
from arbitration.privacy import masking
from arbitration.rulings.pdf import platform_name
from arbitration.rulings.services import rulings_of
from arbitration.signing.service import sign
from arbitration.storage import app_store

ATTACH_MAX_BYTES = 50 * 1024 * 1024    # evidence attached inside one dossier, in all


@dataclass(frozen=True)
class Exporter:
    """Who exported, as printed on the cover."""
    name: str
    role: str


@dataclass(frozen=True)
class SupplementaryRequest:
    """The arbitrator asked a party for more evidence, in these words (from the event log)."""
    at: dt.datetime
    party: str
    note: str


def supplementary_requests(events) -> list[SupplementaryRequest]:
    return [SupplementaryRequest(e.created_at, e.data.get("party", ""), e.data.get("note", ""))
            for e in events if e.action == "case.request_supplementary"]


@dataclass(frozen=True)
class InternalNote:
    """A note of the case's arbitrator or a supervisor: the parties never read it, the regulator does."""
    at: dt.datetime
    author: str
    role: str
    body: str


def internal_notes(case: Case) -> list[InternalNote]:
    notes = notes_of(case)
    names = {u.id: u.display_name for u in db.session.scalars(
        sa.select(User).where(User.id.in_({n.author_id for n in notes})))} if notes else {}
    return [InternalNote(n.created_at, names.get(n.author_id, "—"), n.author_role, n.body) for n in notes]


@dataclass(frozen=True)
class Disclosure:
    """How personal information stands in a dossier: masked (the default), or as stored for a legal basis."""
    masked: bool = True
    legal_basis: str = ""


MASKED = Disclosure()


def party_names(buyer: User | None) -> list[str]:
    """The names a dossier's free texts may carry besides those after a label: the buyer's display name."""
    return [buyer.display_name] if buyer and buyer.display_name else []


@dataclass(frozen=True)
class Message:
    """A message between the parties and the case's staff, as the regulator reads it."""
    at: dt.datetime
    role: str
    body: str


def messages(case: Case) -> list[Message]:
    rows = db.session.scalars(sa.select(CaseMessage).where(CaseMessage.case_id == case.id).order_by(CaseMessage.id))
    return [Message(m.created_at, m.sender_role, m.body) for m in rows]


def anchored(events, anchor: anchors.Covering | None) -> dict:
    """The last anchor covering the case (or None) and the case's events it does not cover yet."""
    later = [e for e in events if anchor is None or e.seq > anchor.seq]
    return {"anchor": anchor, "unanchored": list(zip([e.seq for e in later], lines(later, internal=True)))}


def context(case: Case, exporter: Exporter, exported_at: dt.datetime, disclosure: Disclosure = MASKED) -> dict:
    chain = verify_subject("case", case.id)
    files = case_files(case)
    events = events_of("case", case.id)
    buyer = db.session.get(User, case.buyer_id)
    names = party_names(buyer)
    if disclosure.masked:
        def pii(text):
            return masking.mask_text(str(text or ""), names)
        pii_name = masking.mask_name
    else:
        def pii(text):
            return str(text or "")

        def pii_name(name):
            return name or ""
    return {"case": case, "buyer": buyer, "pii": pii, "pii_name": pii_name, "disclosure": disclosure,
            "merchant": db.session.get(Merchant, case.merchant_id),
            "arbitrator": db.session.get(User, case.arbitrator_id) if case.arbitrator_id else None,
            "timeline": lines(events), "supplementary": supplementary_requests(events),
            "notes": internal_notes(case), "messages": messages(case),
            "deadlines": all_for("case", case.id), "evidence": files,
            "rulings": rulings_of(case), "chain": chain,
            "exporter": exporter, "exported_at": exported_at,
            **anchored(events, anchors.covering("case", case.id)),    # issue 20: the last anchor covering the case
            "platform": platform_name(), "actor_label": actor_label,
            "retrieval_reports": reports_of(case)}     # issue 19: the similar-case retrieval reports


def html(case: Case, exporter: Exporter, exported_at: dt.datetime, disclosure: Disclosure = MASKED) -> str:
    """The dossier's HTML, for a rendering process (the bulk export)."""
    with force_locale("zh"):
        return render_template("oversight/dossier.html", **context(case, exporter, exported_at, disclosure),
                               attached=False, skipped=[])


def render(case: Case, exporter: Exporter, exported_at: dt.datetime, attach_evidence: bool = False,
           disclosure: Disclosure = MASKED) -> bytes:
    """The dossier's PDF. Masked unless `disclosure` says otherwise: a cache of dossier bytes keyed by the case
    (its last event) must hold only the masked variant, or key on `disclosure` too; an unmasked dossier is never
    served from a cache made for someone else."""
    with force_locale("zh"):
        ctx = context(case, exporter, exported_at, disclosure)
        attachments, skipped, total = [], [], 0
        if attach_evidence:
            for f in ctx["evidence"]:
                if total + f.size > ATTACH_MAX_BYTES:
                    skipped.append(f)
                    continue
                with app_store().open_read(f.storage_key) as fh:
                    attachments.append(Attached(fh.read(), f.download_name, f"SHA-256 {f.sha256}"))
                total += f.size
        page = render_template("oversight/dossier.html", **ctx, attached=attach_evidence, skipped=skipped)
    return sign(html_to_pdf(page, attachments, document="dossier"), "dossier")
