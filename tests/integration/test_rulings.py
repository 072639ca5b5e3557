"""Rulings: issuing, validation against the order and the law cited, default rulings, reconsideration,
enforcement of the ruling in force, the archival PDF and its verification (frozen clock)."""
from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from pypdf import PdfReader

from arbitration import pdf_fonts, pdf_render
from arbitration.audit.services import events_of
from arbitration.cases import enforcement
from arbitration.cases import services as cases
from arbitration.cases.models import Case
from arbitration.cases.workflow import CaseState
from arbitration.db import commit
from arbitration.deadlines.services import sweep
from arbitration.errors import Conflict, InvalidInput, NotAllowed
from arbitration.evidence import services as evidence
from arbitration.law import services as law
from arbitration.merchants.models import Merchant
from arbitration.orders.models import Refund
from arbitration.rulings import pdf as ruling_pdfs
from arbitration.rulings import services as rulings
from arbitration.rulings.models import Ruling, RulingIsFinal
from arbitration.rulings.rules import Remedy
from arbitration.seed.cases import seed_cases
from tests.conftest import T0
from tests.factories import make_case, make_refused_order

H = dt.timedelta(hours=1)


def rule(case, arbitrator, **kw):
    args = {"decision": "upheld", "facts_found": "买家付款后商家未发货，并拒绝取消订单。",
            "reasoning": "商家收取预付款后未按约定提供商品，应当按照消费者的要求退回预付款。",
            "remedies": [Remedy("full_refund")], "citations": ["CRPL-53", "CC-563"], **kw}
    return rulings.issue_ruling(case, arbitrator, **args)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def stored_pdf(ruling) -> bytes:
    with evidence.store().open_read(ruling.pdf_key) as fh:
        return fh.read()


def test_a_ruling_moves_the_case_to_the_reconsideration_window_and_cites_exact_versions(session, personas, refused):
    case = make_case("review", order=refused)
    ruling = rule(case, personas["arbitrator"])
    assert case.state == CaseState.reconsideration_window and case.outcome == "ruled"
    assert ruling.number == f"{case.number}-1" and ruling.round == 1 and ruling.pdf_state == "pending"
    assert [(c.provision.code, c.provision.version) for c in ruling.citations] == [("CRPL-53", 1), ("CC-563", 1)]
    assert ruling.remedies == [{"remedy": "full_refund", "amount_fen": 10_000}]  # fixed at what is refundable
    assert ruling.citations[0].reason == "已付款未发货"   # why it applies (the order's recorded facts), in Chinese
    issued = [e for e in events_of("case", case.id) if e.action == "case.issue_ruling"][-1]
    assert issued.data["ruling"] == ruling.number and issued.data["citations"] == ["CRPL-53 v1", "CC-563 v1"]


@pytest.mark.parametrize("change, field", [
    ({"citations": []}, "citations"),
    ({"citations": ["NOPE-1"]}, "citations"),
    ({"reasoning": "太短"}, "reasoning"),
    ({"facts_found": ""}, "facts_found"),
    ({"decision": "maybe"}, "decision"),
    ({"decision": "dismissed"}, "decision"),                                   # with a remedy
    ({"remedies": []}, "decision"),                                            # upheld without one
    ({"remedies": [Remedy("full_refund"), Remedy("partial_refund", 100)]}, "partial_refund"),
    ({"remedies": [Remedy("partial_refund", 10_001)]}, "partial_refund"),      # more than was paid
    ({"remedies": [Remedy("compensation", 10_001)]}, "compensation"),          # above the price without CRPL-55
    ({"remedies": [Remedy("compensation", 0)]}, "compensation"),
    ({"found_tags": ["made_up"]}, "found_tags"),
])
def test_a_bad_ruling_is_refused_whole_and_changes_nothing(session, personas, refused, change, field):
    case = make_case("review", order=refused)
    with pytest.raises(InvalidInput) as err:
        rule(case, personas["arbitrator"], **change)
    assert err.value.field == field
    assert case.state == CaseState.review
    assert session.scalar(sa.select(sa.func.count()).select_from(Ruling).where(Ruling.case_id == case.id)) == 0


def test_punitive_compensation_needs_the_fraud_provision_and_stays_within_three_times_at_least_500(
        session, personas, refused):
    case = make_case("review", order=refused, category="fraud")
    with pytest.raises(InvalidInput):
        rule(case, personas["arbitrator"], remedies=[Remedy("compensation", 50_001)], citations=["CRPL-55"])
    ruling = rule(case, personas["arbitrator"], remedies=[Remedy("full_refund"), Remedy("compensation", 50_000)],
                  citations=["CRPL-55", "CRPL-53"])   # 3 × ¥100 is less than the ¥500 minimum
    assert [r["amount_fen"] for r in ruling.remedies] == [10_000, 50_000]


def test_only_the_assigned_arbitrator_rules_and_only_once(session, personas, refused):
    case = make_case("review", order=refused)
    for someone in ("buyer", "merchant", "supervisor", "regulator"):
        with pytest.raises(NotAllowed):
            rule(case, personas[someone])
    rule(case, personas["arbitrator"])
    with pytest.raises(Conflict):
        rule(case, personas["arbitrator"])


def test_an_issued_ruling_is_never_edited(session, personas, refused):
    ruling = rule(make_case("review", order=refused), personas["arbitrator"])
    session.flush()
    ruling.reasoning = "改写后的理由，这不应被允许保存。"
    with pytest.raises(RulingIsFinal):
        session.flush()
    session.rollback()


def test_the_pdf_is_an_archival_chinese_document_with_everything_a_party_needs(session, personas, refused):
    case = make_case("review", order=refused)
    ruling = rule(case, personas["arbitrator"])
    rulings.make_pdf(ruling)
    assert ruling.pdf_state == "ready"
    data = stored_pdf(ruling)
    assert hashlib.sha256(data).hexdigest() == ruling.pdf_sha256 and len(data) == ruling.pdf_size
    text = pdf_text(data)
    for expected in ("争议处理决定书", case.number, ruling.number, "官方直营店", "消费者权益保护法", "第五十三条",
                     "经营者以预收款方式提供商品或者服务的",      # the verbatim text of CRPL-53
                     "第三十九条", "第六十条", "第 1 页", "商家收取预付款后未按约定提供商品", "¥100.00"):
        assert expected in text, expected
    assert "仲裁裁决" not in text
    reader = PdfReader(io.BytesIO(data))
    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    fonts = [f.get_object() for page in reader.pages for f in page["/Resources"]["/Font"].values()]
    cjk = [f for f in fonts if "CJK" in f["/BaseFont"]]
    assert cjk and all(f["/BaseFont"][7] == "+" for f in cjk)          # embedded as subsets (ABCDEF+Name)
    descendant = cjk[0]["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    assert any(k in descendant for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    ready = [e for e in events_of("case", case.id) if e.action == "ruling.pdf_ready"]
    assert ready[-1].data["sha256"] == ruling.pdf_sha256


def test_the_pdf_names_the_decider_and_every_route_that_stays_open_as_the_law_library_words_them(
        session, personas, refused):
    case = make_case("review", order=refused)
    cases.request_supplementary(case, personas["arbitrator"], party="buyer", note="请补充付款截图")
    cases.no_more_evidence(case, personas["buyer"])
    ruling = rule(case, personas["arbitrator"])
    words = "".join(pdf_text(rulings.make_pdf(ruling) and stored_pdf(ruling)).split())
    for expected in ("争议处理专员",                                      # who decides, in the signature and timeline
                     "向市场监督管理部门投诉（全国12315平台www.12315.cn或12315热线）",
                     "请求消费者协会或者依法成立的其他调解组织调解",
                     "根据与对方达成的书面仲裁协议，向仲裁委员会申请仲裁",
                     "向人民法院提起诉讼", "第三十九条", "第六十条", "不是依照《中华人民共和国仲裁法》进行的仲裁"):
        assert expected in words, expected
    assert "仲裁员" not in words and "仲裁主管" not in words and "仲裁裁决" not in words


@pytest.mark.parametrize("lines", [1, 2, 37])
def test_the_signature_never_stands_alone_on_the_last_page(session, personas, refused, lines):
    """At these lengths of reasoning the signature block fell alone onto a last page before the closing part
    (the routes that stay open and the signature) was kept together (measured with the test's case)."""
    line = "商家收取预付款后未按约定提供商品，应当按照消费者的要求退回预付款，本平台认定其应当退款。"
    ruling = rule(make_case("review", order=refused), personas["arbitrator"], reasoning="\n".join([line] * lines))
    pages = PdfReader(io.BytesIO(rulings.make_pdf(ruling) and stored_pdf(ruling))).pages
    last = "".join(pages[-1].extract_text().split())
    assert "作出人" in last and "其他救济途径" in last and "向人民法院提起诉讼" in last


def test_the_pdf_lists_the_evidence_considered_with_hashes(session, personas, refused):
    from tests.files import pdf, png

    case = make_case(order=refused)
    cases.refuse_claim(case, personas["merchant"], reason="卡密已发出，买家已使用")
    buyer_file = evidence.add_file(personas["buyer"], cases.evidence_subject(case), filename="付款截图.png",
                                   chunks=[png()], kind="payment_record")
    merchant_file = evidence.add_file(personas["merchant"], cases.evidence_subject(case), filename="发货记录.pdf",
                                      chunks=[pdf()], kind="order_record")
    cases.no_more_evidence(case, personas["buyer"])
    cases.no_more_evidence(case, personas["merchant"])
    ruling = rule(case, personas["arbitrator"])
    text = pdf_text(rulings.make_pdf(ruling) and stored_pdf(ruling)).replace("\n", "")
    for f in (buyer_file, merchant_file):
        assert f.display_name in text and f.sha256 in text


def test_a_silent_merchant_gets_a_default_ruling_saying_which_deadline_was_missed(session, personas, refused):
    case = make_case(order=refused)
    sweep(now=T0 + 49 * H)
    session.refresh(case)
    (ruling,) = rulings.rulings_of(case)
    assert case.state == CaseState.reconsideration_window and case.outcome == "default_ruling"
    assert ruling.kind == "default" and ruling.issued_by_id is None and ruling.decision == "upheld"
    assert ruling.missed_deadline["stage"] == "negotiation"
    assert dt.datetime.fromisoformat(ruling.missed_deadline["due_at"]) == T0 + 48 * H
    assert "CRPL-53" in [c.provision.code for c in ruling.citations]
    assert "ECL-63" in [c.provision.code for c in ruling.citations]
    text = pdf_text(rulings.make_pdf(ruling) and stored_pdf(ruling))
    assert "争议处理决定书" in text and "2026-10-02 10:00" in text          # 48 h after T0, in Beijing time
    assert "仲裁裁决" not in text


def test_a_reconsideration_ruling_supersedes_the_first_and_its_remedies_are_enforced(session, personas, refused):
    from arbitration.auth.models import Role
    from tests.factories import create_user

    second = create_user("arb_second", Role.arbitrator)
    case = make_case("review", order=refused)
    first = rule(case, personas["arbitrator"])
    cases.request_reconsideration(case, personas["merchant"], new_facts="游戏日志显示买家已经使用了该卡密")
    assert case.state == CaseState.reconsideration and case.arbitrator_id == second.id
    with pytest.raises(NotAllowed):
        rule(case, personas["arbitrator"])
    cases.no_more_evidence(case, personas["buyer"])
    again = rule(case, second, decision="partly_upheld", remedies=[Remedy("partial_refund", 3_000)],
                 reasoning="复核查明卡密已被部分使用，商家应退还未使用部分对应的价款。")
    assert again.round == 2 and again.supersedes_id == first.id and rulings.superseded_by(first) == again
    assert case.state == CaseState.enforcement
    assert [(t.remedy, t.amount_fen) for t in enforcement.tasks_of(case)] == [("partial_refund", 3_000)]
    text = pdf_text(rulings.make_pdf(again) and stored_pdf(again))
    assert first.number in text


def test_a_dismissed_claim_closes_the_case_once_final(session, personas, refused):
    case = make_case("review", order=refused)
    rule(case, personas["arbitrator"], decision="dismissed", remedies=[])
    sweep(now=T0 + 8 * 24 * H)
    session.refresh(case)
    assert case.state == CaseState.closed and enforcement.tasks_of(case) == []


def test_fraud_compensation_above_the_price_is_paid_after_the_refund(session, personas, refused):
    case = make_case("review", order=refused, category="fraud")
    rule(case, personas["arbitrator"], remedies=[Remedy("full_refund"), Remedy("compensation", 50_000)],
         citations=["CRPL-55"])
    sweep(now=T0 + 8 * 24 * H)
    session.refresh(case)
    refund_task, compensation_task = enforcement.tasks_of(case)
    with pytest.raises(Conflict):
        enforcement.complete_task(case, compensation_task, personas["merchant"])
    enforcement.complete_task(case, refund_task, personas["merchant"])
    enforcement.complete_task(case, compensation_task, personas["merchant"])
    paid = session.scalars(sa.select(Refund).where(Refund.order_id == refused.id).order_by(Refund.id)).all()
    assert [(r.kind, r.amount_fen) for r in paid] == [("refund", 10_000), ("compensation", 50_000)]
    assert case.state == CaseState.closed


def test_a_pdf_is_found_by_its_hash_and_an_altered_copy_is_not(session, personas, refused):
    ruling = rule(make_case("review", order=refused), personas["arbitrator"])
    rulings.make_pdf(ruling)
    data = stored_pdf(ruling)
    assert rulings.find_by_pdf([data[:1000], data[1000:]]) == (ruling.pdf_sha256, ruling)
    altered = data[:-10] + b"%%EOF\n   "
    sha, found = rulings.find_by_pdf([altered])
    assert found is None and sha == hashlib.sha256(altered).hexdigest()


def test_the_verify_command_names_the_ruling_and_fails_for_other_files(app, session, personas, refused, tmp_path):
    ruling = rule(make_case("review", order=refused), personas["arbitrator"])
    rulings.make_pdf(ruling)
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(stored_pdf(ruling))
    bad.write_bytes(b"%PDF-1.7 not a ruling")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["rulings", "verify", str(good)])
    assert result.exit_code == 0 and f"ISSUED ruling {ruling.number}" in result.output
    result = runner.invoke(args=["rulings", "verify", str(bad)])
    assert result.exit_code == 1 and "NOT an issued ruling" in result.output


def test_an_arbitrator_tied_to_the_merchant_is_never_assigned_nor_given_the_case(session, personas, refused):
    from arbitration.auth.models import Role
    from arbitration.cases import conflicts
    from tests.factories import create_user

    other = create_user("arb_free", Role.arbitrator)
    conflicts.declare(personas["admin"], arbitrator_id=personas["arbitrator"].id,
                      merchant_id=personas["merchant"].merchant_id, reason="曾在该商家任职客服主管")
    case = make_case(order=refused)
    cases.refuse_claim(case, personas["merchant"], reason="卡密已发出，买家已使用")
    assert case.arbitrator_id == other.id
    with pytest.raises(InvalidInput) as err:
        cases.reassign(case, personas["supervisor"], arbitrator_id=personas["arbitrator"].id,
                       reason="工作量调整，改派")
    assert err.value.field == "arbitrator_id"


def test_an_old_ruling_keeps_the_text_it_cited_after_an_amendment(session, personas, refused):
    ruling = rule(make_case("review", order=refused), personas["arbitrator"])
    old_text = ruling.citations[0].provision.text_zh
    law.amend(personas["admin"], "CRPL-53", text_zh="（修订后的条文文本，用于测试）", effective=dt.date(2026, 9, 1),
              change_note="测试：新版本生效")
    session.expire_all()
    assert ruling.citations[0].provision.text_zh == old_text and ruling.citations[0].provision.version == 1
    assert law.current("CRPL-53").version == 2


def test_a_store_outage_leaves_the_ruling_being_prepared_until_a_retry_succeeds(
        app, session, personas, refused, monkeypatch):
    from arbitration.db import commit
    from arbitration.storage.base import StorageError

    class Down:
        def put_stream(self, *a, **kw):
            raise StorageError(_l("the object store is unavailable"))

    case = make_case("review", order=refused)
    ruling = rule(case, personas["arbitrator"])
    working = evidence.store()
    monkeypatch.setitem(app.extensions, "store", Down())
    commit()          # the ruling is committed; its rendering, queued after commit (at once in tests), fails
    session.refresh(ruling)
    assert (ruling.pdf_state, ruling.pdf_key, ruling.pdf_sha256) == ("failed", None, None)
    assert "unavailable" in ruling.pdf_error
    assert case.state == CaseState.reconsideration_window          # the ruling itself stands
    assert "ruling.pdf_ready" not in [e.action for e in events_of("case", case.id)]
    monkeypatch.setitem(app.extensions, "store", working)
    rulings.render_ruling.call_local(ruling.id)
    session.refresh(ruling)
    assert ruling.pdf_state == "ready" and ruling.pdf_error is None


def test_render_pending_renders_what_is_left_and_never_touches_an_issued_document(app, session, personas,
                                                                                  refused):
    from arbitration.db import commit

    ready = rule(make_case("review", order=refused), personas["arbitrator"])
    rulings.make_pdf(ready)
    issued_hash = ready.pdf_sha256
    waiting = rule(make_case("review", order=make_refused_order()), personas["arbitrator"])
    session.flush()
    session.info.pop("after_commit", None)          # as if the queue had not rendered it yet
    commit()
    result = app.test_cli_runner().invoke(args=["rulings", "render-pending"])
    assert result.exit_code == 0 and "1 ruling documents rendered" in result.output, result.output
    session.expire_all()
    assert session.get(Ruling, waiting.id).pdf_state == "ready"
    assert session.get(Ruling, ready.id).pdf_sha256 == issued_hash


def test_a_ruling_rendered_while_the_chinese_fonts_are_hidden_is_not_issued_and_an_admin_sees_why(
        session, personas, refused, monkeypatch, tmp_path, login_as):
    hidden = tmp_path / "no-cjk.conf"     # the fonts a host without fonts-noto-cjk would offer
    hidden.write_text(pdf_fonts.config_text([pdf_fonts.DEJAVU], tmp_path / "cache"))
    monkeypatch.setenv("FONTCONFIG_FILE", str(hidden))
    case = make_case("review", order=refused)
    ruling = rule(case, personas["arbitrator"])
    commit()          # the rendering job runs after commit (at once in tests) and fails
    session.refresh(ruling)
    assert (ruling.pdf_state, ruling.pdf_key, ruling.pdf_sha256) == ("failed", None, None)
    assert ruling.pdf_error.startswith("FontsMissing:") and "fonts-noto-cjk" in ruling.pdf_error
    assert "ruling.pdf_ready" not in [e.action for e in events_of("case", case.id)]
    page = login_as("admin").get("/").get_data(as_text=True)
    assert "尚未生成的决定书" in page and ruling.number in page and "fonts-noto-cjk" in page


def test_a_ruling_pdf_without_its_chinese_font_embedded_is_never_hashed_nor_issued(
        session, personas, refused, monkeypatch):
    tofu = pdf_render.html_to_pdf("<p style=\"font-family: 'DejaVu Sans'\">ARB</p>")    # as if the fonts fell back
    monkeypatch.setattr(ruling_pdfs, "ruling_pdf", lambda ruling: tofu)
    case = make_case("review", order=refused)
    ruling = rule(case, personas["arbitrator"])
    commit()
    session.refresh(ruling)
    assert (ruling.pdf_state, ruling.pdf_sha256) == ("failed", None)
    assert "does not embed Noto-Serif-CJK-SC" in ruling.pdf_error


def test_a_normal_ruling_pdf_passes_the_embedded_font_check(session, personas, refused):
    ruling = rulings.make_pdf(rule(make_case("review", order=refused), personas["arbitrator"]))
    assert ruling.pdf_state == "ready"
    assert "Noto-Serif-CJK-SC" in pdf_render.embedded_fonts(stored_pdf(ruling))


def test_the_demo_cases_top_suggestions_are_the_documented_ones(session, personas):
    """docs/DECISIONS.md "Citation scoring (issue 18)": every demo case an arbitrator decides (paid, not delivered,
    the cancellation refused as late) has its checklist filled with paid-not-delivered and delivered-late, which
    put these first."""
    merchant = session.get(Merchant, personas["merchant"].merchant_id)
    assert seed_cases(personas["buyer"], personas["merchant"], merchant)
    demo = session.scalars(sa.select(Case).order_by(Case.id)).all()
    decided_by_an_arbitrator = [c for c in demo if c.arbitrator_id is not None]   # from the evidence stage on
    assert len(demo) == 11 and len(decided_by_an_arbitrator) == 6
    for case in decided_by_an_arbitrator:
        assert rulings.recorded_facts(case) == ["paid_not_delivered", "delivery_delay"], case.number
        assert [p.code for p, _s in rulings.suggestions(case)[:3]] == ["CC-563", "CRPL-53", "ECL-20"], case.number
