"""Personal information: a corpus of it in every free-text field of a case; none of it in a default export,
all of it in an unmasked one (a regulator's, with its legal basis in the event log); the retention purge."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from openpyxl import load_workbook
import sqlalchemy as sa
from pypdf import PdfReader

from arbitration.audit.models import Event
from arbitration.audit.services import verify_subject
from arbitration.auth.models import LoginAttempt, User
from arbitration.cases import filters, messaging
from arbitration.cases import services as cases
from arbitration.cases.models import CaseMessage, CaseNote
from arbitration.errors import InvalidInput
from arbitration.evidence import services as evidence
from arbitration.oversight import exports, retention
from arbitration.privacy.retention import PURGED_TEXT
from tests.conftest import T0
from tests.factories import make_case
from tests.files import png
from tests.privacy_corpus import ALL_TEXT, PERSONAL_VALUES

H = dt.timedelta(hours=1)
BUYER_NAME = "张伟国"
BASIS = "个人信息保护法第十三条第一款第三项；市场监管局调查函 2026-118 号"


def squeeze(text: str) -> str:
    return "".join(text.split())


def case_with_the_corpus_everywhere(session, personas):
    """Statement, offer, refusal, supplementary request, message, internal note, evidence name and description
    (two cases: one refused outright, one whose offer the buyer rejected)."""
    personas["buyer"].display_name = BUYER_NAME
    offered = make_case(statement=ALL_TEXT)
    cases.make_offer(offered, personas["merchant"], remedy="partial_refund", amount_fen=5_000, text=ALL_TEXT)
    cases.answer_offer(offered, personas["buyer"], accept=False)
    case = make_case(statement=ALL_TEXT)
    cases.refuse_claim(case, personas["merchant"], reason=ALL_TEXT)
    arbitrator = session.get(User, case.arbitrator_id)
    cases.request_supplementary(case, arbitrator, party="buyer", note=ALL_TEXT)
    messaging.send_message(case, personas["buyer"], body=ALL_TEXT)
    messaging.add_note(case, arbitrator, body=ALL_TEXT)
    evidence.add_file(personas["buyer"], cases.evidence_subject(case), filename="张伟国身份证13812345678.png",
                      chunks=[png()], kind="screenshot", description=ALL_TEXT)
    return case, offered


def exported_text(export) -> tuple[str, str]:
    """(every dossier's text, the manifests' text) of a built export."""
    with evidence.store().open_read(export.zip_key) as fh:
        zf = zipfile.ZipFile(io.BytesIO(fh.read()))
    pdfs = [n for n in zf.namelist() if n.endswith(".pdf")]
    text = "".join(p.extract_text() for n in pdfs for p in PdfReader(io.BytesIO(zf.read(n))).pages)
    return squeeze(text), (zf.read("manifest.csv").decode("utf-8-sig") + zf.read("manifest.json").decode()
                           + "\n".join(zf.namelist()))


def test_a_default_export_holds_none_of_the_personal_information(session, personas):
    case, _offered = case_with_the_corpus_everywhere(session, personas)
    export = exports.request_export(personas["regulator"], filters.CaseFilter(), with_evidence=True, enqueue=False)
    assert export.masked
    dossiers, manifests = exported_text(exports.build(export.id, processes=1))
    assert case.number in dossiers and "138****5678" in dossiers and "张*" in dossiers
    assert [v for v in PERSONAL_VALUES + [BUYER_NAME] if squeeze(v) in dossiers] == []
    assert [v for v in PERSONAL_VALUES + [BUYER_NAME] if v in manifests] == []
    assert "张*" in manifests and "张＊身份证138＊＊＊＊5678.png" in manifests      # the evidence file's name


def test_an_unmasked_export_holds_all_of_it_and_the_log_says_who_when_and_why(session, personas):
    case, offered = case_with_the_corpus_everywhere(session, personas)
    other = make_case()
    regulator = personas["regulator"]
    export = exports.request_export(regulator, filters.CaseFilter(), with_evidence=True, enqueue=False,
                                    legal_basis=BASIS,
                                    case_list=[case.number, offered.number], now=T0 + 2 * H)
    assert not export.masked and export.total == 2
    dossiers, manifests = exported_text(exports.build(export.id, processes=1))
    assert [v for v in PERSONAL_VALUES + [BUYER_NAME] if squeeze(v) not in dossiers] == []
    assert BUYER_NAME in manifests and other.number not in manifests
    assert "张伟国身份证13812345678.png" in manifests
    event = session.scalars(sa.select(Event).where(Event.subject_type == "export",
                                                   Event.subject_id == str(export.id))).first()
    assert (event.action, event.actor_id, event.created_at.replace(tzinfo=dt.timezone.utc)) == \
        ("export.unmasked_requested", regulator.id, T0 + 2 * H)
    data = json.loads(event.data_json)
    assert data["legal_basis"] == BASIS and data["case_list"] == [case.number, offered.number]
    assert data["masked"] is False


@pytest.mark.parametrize("who, basis, listed, field", [
    ("supervisor", BASIS, True, "legal_basis"),
    ("regulator", "", True, "legal_basis"),
    ("regulator", BASIS, False, "case_list"),
])
def test_an_unmasked_export_needs_a_regulator_a_legal_basis_and_a_case_list(session, personas, who, basis, listed,
                                                                            field):
    case = make_case()
    with pytest.raises(InvalidInput) as err:
        exports.request_export(personas[who], filters.CaseFilter(), enqueue=False, legal_basis=basis,
                               case_list=[case.number] if listed else [])
    assert err.value.field == field


def test_an_unknown_case_in_the_list_is_named(session, personas):
    make_case()
    with pytest.raises(InvalidInput) as err:
        exports.request_export(personas["regulator"], filters.CaseFilter(), enqueue=False, legal_basis=BASIS,
                               case_list=["AC2099NOPE"])
    assert err.value.field == "case_list" and "AC2099NOPE" in str(err.value)


def test_the_purge_removes_personal_information_after_the_period_and_the_chain_still_verifies(session, personas):
    old = make_case("closed", statement=ALL_TEXT, now=T0)
    session.add(CaseMessage(case_id=old.id, sender_id=personas["buyer"].id, sender_role="buyer", audience="all",
                            body=ALL_TEXT, created_at=T0 + H))
    recent = make_case("closed", statement=ALL_TEXT, now=T0 + 400 * 24 * H)
    session.add(LoginAttempt(username="buyer", address="10.0.0.1", at=T0))
    session.flush()
    later = T0 + dt.timedelta(days=3 * 365 + 2)
    out = retention.purge(now=later)
    assert (out.cases, out.messages, out.login_attempts) == (1, 1, 1)
    session.refresh(old)
    assert old.statement == PURGED_TEXT and recent.statement == ALL_TEXT
    assert session.scalars(sa.select(CaseMessage.body).where(CaseMessage.case_id == old.id)).all() == [PURGED_TEXT]
    assert session.scalars(sa.select(CaseNote).where(CaseNote.case_id == old.id)).all() == []
    chain = verify_subject("case", old.id)
    assert chain.intact
    last = session.scalars(sa.select(Event).where(Event.subject_type == "case", Event.subject_id == str(old.id))
                           .order_by(Event.seq.desc())).first()
    assert last.action == "case.personal_data_purged"
    assert retention.purge(now=later).cases == 0          # done once


def test_the_manifest_csv_opens_in_excel_with_chinese_headers_labels_local_times_and_the_disputed_amount(
        session, personas):
    case = make_case(remedy="full_refund", now=T0)
    export = exports.build(exports.request_export(personas["regulator"], filters.CaseFilter(), enqueue=False).id,
                           processes=1)
    with evidence.store().open_read(export.zip_key) as fh:
        zf = zipfile.ZipFile(io.BytesIO(fh.read()))
    raw = zf.read("manifest.csv")
    sheet = load_workbook(io.BytesIO(zf.read("manifest.xlsx"))).active
    assert sheet.title == "案件清单"
    assert sheet["A1"].value == "案件编号" and sheet["A2"].value == case.number
    assert sheet.cell(2, exports.MANIFEST_FIELDS.index("disputed_amount_yuan") + 1).value == \
        case.disputed_amount_fen / 100
    assert raw.startswith("\ufeff".encode("utf-8"))
    header, row = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert header[:5] == ["案件编号", "订单号", "商家", "申请人（买家）", "类型"]
    shown = dict(zip(exports.MANIFEST_FIELDS, row))
    assert shown["case"] == case.number and shown["claim_remedy"] == "全额退款"
    assert shown["disputed_amount_yuan"] == f"{case.disputed_amount_fen / 100:.2f}" != "0.00"
    local = T0.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert shown["opened_at"] == local.strftime("%Y-%m-%d %H:%M:%S")
    assert shown["state"] == "协商中" or not shown["state"].isascii()
