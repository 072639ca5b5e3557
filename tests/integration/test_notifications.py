"""Notifications: the merchant hears of a new case, whoever must act hears it is their turn, reminders go
out once before a deadline, e-mail is sent after the commit by a real SMTP conversation. On orders (issue 17): the
buyer hears of a refusal with the days left to open a case, the merchant of a new request at once, both of an
automatic approval, the buyer of every refund and its outcome and of a reissue; every kind reads in both languages.
(That every deadline naming someone tells them: test_who_hears.py.)"""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
import threading

import pytest
import sqlalchemy as sa

from flask_babel import force_locale

from arbitration.cases import services as cases
from arbitration.db import commit
from arbitration.deadlines.services import send_reminders, sweep
from arbitration.notifications.models import Notification
from arbitration.notifications.services import text_of
from arbitration.orders import requests as order_requests
from arbitration.orders.news import NEWS
from arbitration.orders.refunds import issue_refund, mark_refund, refunds_of
from arbitration.oversight import dossier
from tests.conftest import T0
from tests.factories import REFUSAL, make_case, make_order

H = dt.timedelta(hours=1)


def inbox_of(session, user):
    return session.scalars(sa.select(Notification).where(Notification.user_id == user.id)
                           .order_by(Notification.id)).all()


def test_the_merchant_hears_of_a_new_case_and_that_it_must_answer(session, personas, refused):
    # (the merchant heard of the buyer's cancellation request behind the refusal first: issue 17)
    assert [n.kind for n in inbox_of(session, personas["merchant"])] == ["request_filed"]
    case = make_case(order=refused)
    kinds = [n.kind for n in inbox_of(session, personas["merchant"])[1:]]
    assert kinds == ["case_opened", "your_turn"]
    texts = [text_of(n) for n in inbox_of(session, personas["merchant"])[1:]]
    assert case.number in texts[0] and "商家：接受、提出方案或拒绝" in texts[1]
    assert inbox_of(session, personas["merchant_b"]) == []


def test_a_reminder_goes_out_once_24h_before_the_merchants_deadline(session, personas, refused):
    case = make_case(order=refused)
    before = len(inbox_of(session, personas["merchant"]))
    assert send_reminders(now=T0 + 23 * H) == 0
    assert send_reminders(now=T0 + 25 * H) >= 1
    assert send_reminders(now=T0 + 26 * H) == 0
    reminders = [n for n in inbox_of(session, personas["merchant"]) if n.kind == "reminder"]
    assert len(inbox_of(session, personas["merchant"])) == before + 1 and len(reminders) == 1
    assert case.number in text_of(reminders[0])


def test_both_parties_hear_the_outcome(session, personas, refused):
    case = make_case(order=refused)
    cases.accept_claim(case, personas["merchant"])
    assert any(n.kind == "outcome" for n in inbox_of(session, personas["buyer"]))


class SmtpSink:
    """A minimal SMTP server on 127.0.0.1 that keeps what it receives (enough for smtplib)."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.messages: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn, conn.makefile("rwb") as f:
                def say(line):
                    f.write(line.encode() + b"\r\n")
                    f.flush()
                say("220 sink")
                data, in_data = [], False
                for raw in f:
                    line = raw.decode("utf-8", "replace").rstrip("\r\n")
                    if in_data:
                        if line == ".":
                            self.messages.append("\n".join(data))
                            in_data, data = False, []
                            say("250 ok")
                        else:
                            data.append(line)
                        continue
                    cmd = line.split(" ")[0].upper()
                    if cmd in ("EHLO", "HELO"):
                        say("250 sink")
                    elif cmd == "DATA":
                        in_data = True
                        say("354 go")
                    elif cmd == "QUIT":
                        say("221 bye")
                        break
                    else:
                        say("250 ok")


@pytest.fixture
def smtp(config):
    sink = SmtpSink()
    config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, SMTP_FROM="arb@example.test")
    yield sink
    sink.sock.close()


def test_e_mail_goes_out_after_the_commit_only(session, personas, refused, smtp):
    personas["merchant"].email = "shop@example.test"
    session.flush()
    make_case(order=refused)
    assert smtp.messages == []          # nothing before the commit
    commit()
    assert any("shop@example.test" in m and "Subject:" in m for m in smtp.messages)


# ---- orders (issue 17) ----

DESCRIPTION = "兑换时提示卡密无效，截图已上传。"


def told(session, user, kind: str) -> list[str]:
    return [text_of(n) for n in inbox_of(session, user) if n.kind == kind]


def test_the_buyer_hears_of_the_refusal_with_its_reason_and_until_when_to_open_a_case(session, personas, refused):
    [n] = [n for n in inbox_of(session, personas["buyer"]) if n.kind == "case_window"]
    assert n.link == f"/orders/{refused.number}"
    assert text_of(n) == (f"订单 {refused.number}：商家拒绝了您的取消申请：“{REFUSAL}”在 2026-10-07 10:00 之前，"
                          "您可以就此订单发起争议仲裁。")


def test_the_merchant_hears_of_a_new_request_at_once_with_its_deadline_and_what_follows(session, personas):
    order = make_order(personas["buyer"], "paid", merchant_staff=personas["merchant"])
    order_requests.request_cancellation(order, personas["buyer"], reason="wrong_item")
    assert told(session, personas["merchant"], "request_filed") == [
        f"订单 {order.number}：买家申请取消（拍错商品）。请在 2026-10-01 10:00 前处理；逾期：默认同意取消，款项原路退回。"]
    delivered = make_order(personas["buyer"], "delivered", merchant_staff=personas["merchant"])
    order_requests.request_after_sales(delivered, personas["buyer"], problem="invalid_code", description=DESCRIPTION)
    assert f"订单 {delivered.number}：买家申请售后（卡密无效）。请在 2026-10-02 10:00 前处理；逾期：申请转交平台处理，" \
        "买家可发起争议仲裁。" in told(session, personas["merchant"], "request_filed")
    assert inbox_of(session, personas["merchant_b"]) == []


def test_an_automatic_approval_tells_both_and_the_refund_tells_the_buyer_amount_channel_and_date(session, personas):
    order = make_order(personas["buyer"], "paid", merchant_staff=personas["merchant"])
    order_requests.request_cancellation(order, personas["buyer"], reason="wrong_item")
    sweep(now=T0 + 25 * H)
    [refund] = refunds_of(order)
    assert told(session, personas["buyer"], "auto_approved") == [
        f"订单 {order.number}：商家未在期限内审核您的取消申请，已默认同意取消。"]
    assert told(session, personas["merchant"], "auto_approved") == [
        f"订单 {order.number}：贵店未在期限内审核买家的取消申请，已默认同意取消，款项退回买家。"]
    [sent] = told(session, personas["buyer"], "refund_sent")
    assert sent == f"订单 {order.number}：¥100.00 退款正在退回您的支付宝，预计 {refund.expected_by.isoformat()} 前到账。"


def test_a_refund_counted_without_the_years_holidays_says_so(session, personas, frozen_clock):
    wednesday = dt.datetime(2026, 12, 30, 2, 0, tzinfo=dt.timezone.utc)
    frozen_clock.freeze(wednesday)
    order = make_order(personas["buyer"], "delivered", merchant_staff=personas["merchant"], now=wednesday)
    refund = issue_refund(order, 1_000, now=wednesday)
    assert refund.expected_fallback
    assert told(session, personas["buyer"], "refund_sent") == [
        f"订单 {order.number}：¥10.00 退款正在退回您的支付宝，预计 2027-01-04 前到账。（按周末推算，未计入法定节假日）"]


def test_the_buyer_hears_when_a_refund_arrives_fails_and_is_sent_again(session, personas):
    order = make_order(personas["buyer"], "delivered", merchant_staff=personas["merchant"])
    refund = issue_refund(order, 1_000)
    mark_refund(order, refund.id, "failed", None, reason="银行卡已注销")
    mark_refund(order, refund.id, "retry", None)
    mark_refund(order, refund.id, "done", None)
    assert told(session, personas["buyer"], "refund_failed") == [
        f"订单 {order.number}：退回您支付宝的 ¥10.00 退款失败：银行卡已注销。"]
    assert told(session, personas["buyer"], "refund_sent")[1].startswith(
        f"订单 {order.number}：¥10.00 退款已重新退回您的支付宝，预计")
    assert told(session, personas["buyer"], "refund_done") == [f"订单 {order.number}：¥10.00 退款已退回您的支付宝，已到账。"]


def test_a_reissue_tells_the_buyer_to_check_within_72h(session, personas):
    order = make_order(personas["buyer"], "delivered", merchant_staff=personas["merchant"])
    req = order_requests.request_after_sales(order, personas["buyer"], problem="invalid_code",
                                             description=DESCRIPTION)
    order_requests.respond_after_sales(order, req, personas["merchant"], response="reissue", codes=["KM-NEW-1"])
    assert told(session, personas["buyer"], "reissued") == [
        f"订单 {order.number}：商家已答复您的售后申请：补发卡密。请检查商品：如仍无法使用，请在 2026-10-03 10:00 前反馈；"
        "逾期视为接受。"]


def test_the_supplementary_request_reaches_the_party_the_dossier_and_the_e_mail(session, personas, refused, smtp):
    personas["buyer"].email = "buyer@example.test"
    case = make_case("supplementary", order=refused)
    assert case.supplementary_note == "请补充付款记录截图"
    [text] = told(session, personas["buyer"], "supplementary")
    assert text == f"案件 {case.number}：仲裁员要求您补充证据：“请补充付款记录截图”请在 2026-10-02 10:00 前上传；逾期您的举证将关闭。"
    assert told(session, personas["merchant"], "supplementary") == []
    page = dossier.html(case, dossier.Exporter("监管员", "监管人员"), T0)
    assert "补充举证要求" in page and "请补充付款记录截图" in page
    commit()
    bodies = [email.message_from_string(m, policy=email.policy.default) for m in smtp.messages]
    assert any(m["To"] == "buyer@example.test" and "请补充付款记录截图" in m.get_content() for m in bodies)


def every_kind(session, personas) -> list[Notification]:
    """One of each kind an order or a case event sends, through the real services."""
    buyer, staff = personas["buyer"], personas["merchant"]
    make_case("supplementary")
    make_case("enforcement")
    paid = make_order(buyer, "paid", merchant_staff=staff)
    order_requests.request_cancellation(paid, buyer, reason="wrong_item")
    sweep(now=T0 + 25 * H)                                   # approved by default, refunded
    delivered = make_order(buyer, "delivered", merchant_staff=staff)
    req = order_requests.request_after_sales(delivered, buyer, problem="invalid_code", description=DESCRIPTION)
    order_requests.respond_after_sales(delivered, req, staff, response="reissue", codes=["KM-NEW-1"])
    order_requests.verify_reissue(delivered, req, buyer, works=True)             # the confirmation runs again
    refund = issue_refund(delivered, 1_000)
    mark_refund(delivered, refund.id, "failed", None, reason="银行卡已注销")
    mark_refund(delivered, refund.id, "retry", None)
    mark_refund(delivered, refund.id, "done", None)
    make_order(buyer, "pending_payment", merchant_staff=staff)
    return session.scalars(sa.select(Notification).order_by(Notification.id)).all()


def test_every_kind_reads_in_both_languages(session, personas, refused):
    notes = every_kind(session, personas)
    kinds = {n.kind for n in notes}
    assert kinds >= set(NEWS) | {"case_opened", "your_turn", "supplementary", "outcome"}
    for n in {n.kind: n for n in notes}.values():
        with force_locale("en"):
            en = text_of(n)
        with force_locale("zh"):
            zh = text_of(n)
        assert en.startswith(("Order ", "Case ", "A buyer ", "Reminder: ")), (n.kind, en)
        assert zh.startswith(("订单 ", "案件 ", "买家", "提醒：")), (n.kind, zh)
        assert "%(" not in en + zh and n.link.startswith(("/orders/", "/cases/"))
