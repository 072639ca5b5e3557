"""Stored XSS: a script payload in every free-text field that is shown back (statement, messages, reasons,
offer text, evidence names and descriptions, supplementary notes, ruling text) is escaped in every page that
shows it, and appears as plain text in the ruling and dossier PDFs."""
from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from arbitration.cases import services as cases
from arbitration.cases.messaging import send_message
from arbitration.evidence import services as evidence
from arbitration.oversight import dossier
from arbitration.rulings import services as rulings
from arbitration.rulings.rules import Remedy
from tests.conftest import T0, login
from tests.factories import make_refused_order
from tests.files import png

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _escaped(page: str) -> bool:
    return "<script>alert(" not in page and "<img src=x" not in page and "&lt;script&gt;alert(" in page


def test_script_payloads_are_escaped_on_every_page_and_plain_text_in_pdfs(app, session, personas):
    buyer, staff, arbitrator = personas["buyer"], personas["merchant"], personas["arbitrator"]
    case = cases.open_case(buyer, make_refused_order(), category="non_delivery", remedy="full_refund",
                           amount_fen=None, statement="商家不发货 " + PAYLOAD)
    send_message(case, buyer, body="留言 " + PAYLOAD)
    cases.refuse_claim(case, staff, reason="拒绝理由 " + PAYLOAD)
    shot = evidence.add_file(buyer, cases.evidence_subject(case), filename=PAYLOAD + ".png", chunks=[png()],
                             kind="screenshot", description="说明 " + PAYLOAD)
    cases.request_supplementary(case, arbitrator, party="buyer", note="请补充 " + PAYLOAD)
    cases.no_more_evidence(case, buyer)
    ruling = rulings.issue_ruling(case, arbitrator, decision="upheld", facts_found="查明事实 " + PAYLOAD,
                                  reasoning="理由如下，商家应当退款。" + PAYLOAD, remedies=[Remedy("full_refund")],
                                  citations=["CRPL-53"])
    offered = cases.open_case(buyer, make_refused_order(), category="non_delivery", remedy="full_refund",
                              amount_fen=None, statement="第二个案件，用于和解方案。")
    cases.make_offer(offered, staff, remedy="partial_refund", amount_fen=5_000, text="方案 " + PAYLOAD)
    session.flush()

    pages = {"buyer": [f"/cases/{case.number}", f"/rulings/{ruling.number}", f"/cases/{offered.number}"],
             "merchant": [f"/cases/{case.number}", f"/rulings/{ruling.number}", f"/cases/{offered.number}"],
             "arbitrator": [f"/cases/{case.number}", f"/rulings/{ruling.number}"],
             "supervisor": [f"/cases/{case.number}"], "regulator": [f"/cases/{case.number}", "/cases"]}
    for who, urls in pages.items():
        client = app.test_client()
        login(client, who)
        for url in urls:
            page = client.get(url).get_data(as_text=True)
            assert _escaped(page) or url == "/cases", (who, url)
            assert "<script>alert(" not in page and "<img src=x" not in page, (who, url)

    rulings.make_pdf(ruling)
    with evidence.store().open_read(ruling.pdf_key) as fh:
        ruling_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(fh.read())).pages)
    assert '<script>alert("x")</script>' in ruling_text.replace("\n", "")
    dossier_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(dossier.render(
        case, dossier.Exporter("监管", "监管人员"), T0 + dt.timedelta(hours=1)))).pages)
    assert "<script>alert(" in dossier_text.replace("\n", "") and shot.display_name
