"""One case as the regulators' lists carry it (the export's manifest, the open feed): the case, its merchant, its
buyer as the disclosure allows (masked by default: the one place a case row's personal information is masked) and
the ruling in force. Free texts (statements, offers, reasons) are not part of a row."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from arbitration.auth.models import User
from arbitration.cases.models import Case
from arbitration.db import db
from arbitration.merchants.models import Merchant
from arbitration.oversight.dossier import MASKED, Disclosure
from arbitration.privacy.masking import mask_name
from arbitration.rulings.models import Ruling


@dataclass(frozen=True)
class CaseRow:
    case: Case
    merchant: str               # a business's name (商家): not masked
    buyer: str                  # the buyer's display name, masked unless disclosed
    ruling: Ruling | None       # the ruling in force: the latest round

    @property
    def order_number(self) -> str:
        return self.case.order_snapshot.get("order", {}).get("number", "")


def case_rows(cases: list[Case], disclosure: Disclosure = MASKED) -> list[CaseRow]:
    """The rows of `cases`, in their order, with three queries whatever their number."""
    if not cases:
        return []
    merchants = dict(db.session.execute(sa.select(Merchant.id, Merchant.name).where(
        Merchant.id.in_({c.merchant_id for c in cases}))).all())
    buyers = dict(db.session.execute(sa.select(User.id, User.display_name).where(
        User.id.in_({c.buyer_id for c in cases}))).all())
    in_force: dict[int, Ruling] = {}
    for ruling in db.session.scalars(sa.select(Ruling).where(Ruling.case_id.in_([c.id for c in cases]))
                                     .order_by(Ruling.case_id, Ruling.round)):
        in_force[ruling.case_id] = ruling          # a later round supersedes the earlier
    return [CaseRow(case, merchants.get(case.merchant_id, ""), _buyer(buyers.get(case.buyer_id), disclosure),
                    in_force.get(case.id)) for case in cases]


def case_row(case: Case, disclosure: Disclosure = MASKED) -> CaseRow:
    return case_rows([case], disclosure)[0]


def _buyer(name: str | None, disclosure: Disclosure) -> str:
    if not name:
        return ""
    return mask_name(name) if disclosure.masked else name
