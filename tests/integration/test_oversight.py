"""Oversight: the case filter, the dossier's content, statistics against direct counts, bulk exports built
in this process (cancel, expiry, bad filters)."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from arbitration.audit.services import verify_subject
from arbitration.cases import filters
from arbitration.cases import messaging
from arbitration.cases import services as cases
from arbitration.cases.models import Case
from arbitration.deadlines.services import sweep
from arbitration.errors import Conflict, Gone, InvalidInput
from arbitration.evidence import services as evidence
from arbitration.oversight import dossier, exports, stats, tables
from arbitration.oversight.models import Export
from arbitration.rulings import services as rulings
from arbitration.rulings.rules import Remedy
from tests.conftest import T0
from tests.factories import make_case
from tests.files import pdf, png

H = dt.timedelta(hours=1)
RULED = T0 + 5 * H          # the arbitrator rules 5 h after the cases open
EXPORTER = dossier.Exporter("王监管", "监管人员")


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


# ---- the filter ----

@pytest.mark.parametrize("args, field", [
    ({"date_from": "2026-10-05", "date_to": "2026-10-01"}, "date_from"),
    ({"date_from": "yesterday"}, "date_from"),
    ({"merchant_id": "99999"}, "merchant_id"),
    ({"merchant_id": "abc"}, "merchant_id"),
    ({"category": "boredom"}, "category"),
    ({"outcome": "maybe"}, "outcome"),
    ({"stage": "limbo"}, "stage"),
])
def test_a_bad_filter_is_refused_with_the_field_it_concerns(session, args, field):
    with pytest.raises(InvalidInput) as err:
        filters.parse(args)
    assert err.value.field == field and err.value.message


def test_the_filter_selects_by_date_merchant_outcome_and_missed_deadline(session, personas):
    early = make_case(now=T0)
    late = make_case(merchant_staff=personas["merchant_b"], now=T0 + 3 * 24 * H)
    sweep(now=T0 + 49 * H)                       # `early`'s merchant stays silent: default ruling
    ids = lambda **a: set(exports.matching_ids(filters.parse(a)))    # noqa: E731
    assert ids(date_to="2026-09-30") == {early.id}
    assert ids(date_from="2026-10-01") == {late.id}
    assert ids(merchant_id=str(personas["merchant_b"].merchant_id)) == {late.id}
    assert ids(missed="1") == {early.id} and ids(outcome="default_ruling") == {early.id}
    assert ids(outcome="open") == {late.id}
    assert filters.CaseFilter.from_json(filters.parse({"missed": "1", "date_from": "2026-09-01"}).to_json()) == \
        filters.CaseFilter(date_from=dt.date(2026, 9, 1), missed=True)


# ---- the dossier ----

def test_the_dossier_holds_the_timeline_deadlines_evidence_rulings_and_the_chain_status(session, personas):
    case = make_case()
    cases.refuse_claim(case, personas["merchant"], reason="卡密已发出，买家已使用")
    shot = evidence.add_file(personas["buyer"], cases.evidence_subject(case), filename="付款截图.png", chunks=[png()],
                             kind="payment_record")
    record = evidence.add_file(personas["merchant"], cases.evidence_subject(case), filename="发货记录.pdf",
                               chunks=[pdf()], kind="order_record")
    cases.no_more_evidence(case, personas["buyer"])
    cases.no_more_evidence(case, personas["merchant"])
    messaging.add_note(case, personas["arbitrator"], body="发货记录的时间晚于付款三天，请主管留意。")
    ruling = rulings.issue_ruling(case, personas["arbitrator"], decision="upheld", facts_found="买家付款后商家未发货。",
                                  reasoning="商家收取预付款后未按约定提供商品，应当退回预付款。",
                                  remedies=[Remedy("full_refund")], citations=["CRPL-53"])
    rulings.make_pdf(ruling)
    data = dossier.render(case, EXPORTER, T0 + 6 * H)
    text = pdf_text(data).replace("\n", "")
    chain = verify_subject("case", case.id)
    for expected in ("案件卷宗", case.number, "王监管", "买家提起案件", "商家拒绝买家请求", "作出处理决定",
                     "决定书已出具", shot.display_name, record.display_name, shot.sha256, record.sha256,
                     "按时完成", ruling.number, ruling.pdf_sha256, "CRPL-53", chain.head, "事件链校验通过",
                     "第 1 页", "内部笔记", "发货记录的时间晚于付款三天，请主管留意。",
                     personas["arbitrator"].display_name):
        assert expected in text, expected
    reader = PdfReader(io.BytesIO(data))
    assert 'pdfaid:part="3"' in reader.xmp_metadata.stream.get_data().decode()
    assert reader.attachments == {}


def test_a_missed_deadline_shows_as_missed_and_the_files_can_be_attached_inside(session, personas):
    case = make_case()
    shot = evidence.add_file(personas["buyer"], cases.evidence_subject(case), filename="聊天记录.png", chunks=[png()],
                             kind="screenshot")
    sweep(now=T0 + 49 * H)
    session.refresh(case)
    data = dossier.render(case, EXPORTER, T0 + 50 * H, attach_evidence=True)
    assert "逾期：已按公示的默认结果处理" in pdf_text(data).replace("\n", "")
    attachments = PdfReader(io.BytesIO(data)).attachments
    assert attachments[shot.display_name] == [png()]


# ---- statistics ----

def test_the_statistics_match_counts_made_directly(session, personas):
    a = [make_case("reconsideration_window", found=["hidden_fee"], ruled_at=RULED),
         make_case("reconsideration_window", ruled_at=RULED),
         make_case("reconsideration_window", decision="dismissed", ruled_at=RULED)]
    b = [make_case("reconsideration_window", merchant_staff=personas["merchant_b"], found=["hidden_fee"],
                   ruled_at=RULED),
         make_case(merchant_staff=personas["merchant_b"])]
    cases.make_offer(b[1], personas["merchant_b"], remedy="partial_refund", amount_fen=5_000)   # answered in time
    silent = make_case(now=T0 + 2 * H)
    sweep(now=T0 + 51 * H)     # `silent`'s merchant missed its deadline
    everything = filters.CaseFilter()
    name_a, name_b = "官方直营店", "飞鱼卡盟"
    assert dict(map(tuple, stats.per_merchant(everything).rows)) == {name_a: 4, name_b: 2}
    by_outcome = dict(map(tuple, stats.per_outcome(everything).rows))
    assert by_outcome == {"已作出处理决定": 4, "缺席处理决定": 1, "尚未处理完毕": 1}
    assert stats.per_month(everything).rows == [["2026-09", 6]]      # all opened on 30 Sep, China time
    assert dict(map(tuple, stats.hidden_fees(everything).rows)) == {name_a: 1, name_b: 1}
    missed = {row[0]: row[1:] for row in stats.deadlines_missed(everything).rows}
    # merchant A: 4 negotiation deadlines ended (3 met by refusing, 1 missed); merchant B: 2 met
    assert missed[name_a] == [25.0, 1, 4] and missed[name_b] == [0.0, 0, 2]
    assert missed["全部商家"] == [round(100 / 6, 1), 1, 6]
    # four rulings 5 h after opening, the default one 49 h after (the sweep ran at T0 + 51 h)
    assert stats.time_to_ruling(everything).rows[0] == ["全部类型", 5.0, 5]
    # the ranking is by the compliance score, which needs 5 cases: 4 and 2 are too few (tests/integration/
    # test_compliance.py ranks a merchant with enough)
    assert stats.ranking(everything).rows == []
    assert len(a) == 3 and silent.outcome == "default_ruling"


# ---- bulk exports, built here ----

def build_here(export_id):
    return exports.build(export_id, processes=1)


def zip_of(export):
    with evidence.store().open_read(export.zip_key) as fh:
        return zipfile.ZipFile(io.BytesIO(fh.read()))


def test_an_export_writes_one_dossier_per_case_and_a_manifest_that_matches(session, personas):
    made = [make_case("reconsideration_window", ruled_at=RULED), make_case(),
            make_case(merchant_staff=personas["merchant_b"])]
    export = exports.request_export(personas["regulator"], filters.CaseFilter(), with_evidence=False, enqueue=False)
    assert (export.state, export.total) == ("queued", 3)
    export = build_here(export.id)
    assert (export.state, export.done) == ("done", 3) and export.expires_at == export.finished_at + exports.KEEP_FOR
    with evidence.store().open_read(export.zip_key) as fh:
        raw = fh.read()
    assert hashlib.sha256(raw).hexdigest() == export.zip_sha256 and len(raw) == export.zip_size
    zf = zipfile.ZipFile(io.BytesIO(raw))
    assert zf.testzip() is None
    text = zf.read("manifest.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), fieldnames=exports.MANIFEST_FIELDS))[1:]
    assert [r["case"] for r in rows] == sorted(c.number for c in made)
    assert json.loads(zf.read("manifest.json")) == [{**r, "evidence_files": int(r["evidence_files"])} for r in rows]
    for r in rows:
        assert hashlib.sha256(zf.read(f"dossiers/{r['case']}.pdf")).hexdigest() == r["dossier_sha256"]
    assert {r["merchant"] for r in rows} == {"官方直营店", "飞鱼卡盟"}


def test_an_export_can_carry_the_evidence_files(session, personas):
    case = make_case()
    shot = evidence.add_file(personas["buyer"], cases.evidence_subject(case), filename="截图.png", chunks=[png()],
                             kind="screenshot")
    export = exports.request_export(personas["regulator"], filters.CaseFilter(), with_evidence=True, enqueue=False)
    export = build_here(export.id)
    zf = zip_of(export)
    assert zf.read(f"evidence/{case.number}/{shot.id}-{shot.display_name}") == png()
    assert json.loads(zf.read("manifest.json"))[0]["evidence_files"] == 1


def test_a_cancelled_export_stops_and_leaves_nothing_stored(session, personas, monkeypatch):
    for _ in range(3):
        make_case()
    export = exports.request_export(personas["regulator"], filters.CaseFilter(), enqueue=False)
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 1)
    keys_before = set(evidence.store().iter_keys("exports"))

    def cancel_midway(done, total):
        session.execute(sa.update(Export).where(Export.id == export.id).values(cancel_requested=True))

    export = exports.build(export.id, processes=1, progress=cancel_midway)
    assert export.state == "cancelled" and export.zip_key is None and export.done == 1
    assert set(evidence.store().iter_keys("exports")) == keys_before


def test_an_empty_export_is_refused_and_a_finished_one_cannot_be_cancelled(session, personas):
    with pytest.raises(InvalidInput):
        exports.request_export(personas["regulator"], filters.parse({"category": "fraud"}))
    assert session.scalar(sa.select(sa.func.count()).select_from(Export)) == 0
    make_case()
    export = exports.request_export(personas["regulator"], filters.CaseFilter(), enqueue=False)
    with pytest.raises(Conflict):
        exports.check_download(export)               # not built yet
    export = build_here(export.id)
    with pytest.raises(Conflict):
        exports.cancel(personas["regulator"], export)
    exports.check_download(export)
    with pytest.raises(Gone):
        exports.check_download(export, now=export.expires_at + H)


def test_counts_in_the_filter_are_the_cases_the_regulator_sees(session, personas):
    make_case()
    assert session.scalar(sa.select(sa.func.count()).select_from(Case)) == len(
        exports.matching_ids(filters.CaseFilter()))


@pytest.mark.parametrize("value, shown", [("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-2", "'-2"),
                                          ("@SUM(A1)", "'@SUM(A1)"), ("飞鱼卡盟", "飞鱼卡盟"), (3, 3), (-2.5, -2.5)])
def test_csv_cells_that_a_spreadsheet_would_run_are_defused(value, shown):
    assert tables.cell(value) == shown


def test_the_export_command_writes_a_zip_of_the_filtered_cases_and_refuses_bad_filters(app, session, personas,
                                                                                       tmp_path):
    make_case()
    wanted = make_case(merchant_staff=personas["merchant_b"])
    out = tmp_path / "dossiers.zip"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["export", "dossiers", "--processes", "1", "--merchant",
                                 str(personas["merchant_b"].merchant_id), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 dossiers written" in result.output
    zf = zipfile.ZipFile(out)
    assert sorted(zf.namelist()) == [f"dossiers/{wanted.number}.pdf", "manifest.csv", "manifest.json",
                                     "manifest.xlsx"]
    bad = runner.invoke(args=["export", "dossiers", "--from", "2026-10-05", "--to", "2026-10-01",
                              "-o", str(tmp_path / "bad.zip")])
    assert bad.exit_code == 2 and "颠倒" in bad.output and not (tmp_path / "bad.zip").exists()
    none = runner.invoke(args=["export", "dossiers", "--category", "fraud", "-o", str(tmp_path / "none.zip")])
    assert none.exit_code == 1 and "no case matches" in none.output and not (tmp_path / "none.zip").exists()
