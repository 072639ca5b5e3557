"""Notifications: the merchant hears of a new case, whoever must act hears it is their turn, reminders go
out once before a deadline, e-mail is sent after the commit by a real SMTP conversation."""
from __future__ import annotations

import datetime as dt
import socket
import threading

import pytest
import sqlalchemy as sa

from arbitration.cases import services as cases
from arbitration.db import commit
from arbitration.deadlines.services import send_reminders
from arbitration.notifications.models import Notification
from arbitration.notifications.services import text_of
from tests.conftest import T0
from tests.factories import make_case

H = dt.timedelta(hours=1)


def inbox_of(session, user):
    return session.scalars(sa.select(Notification).where(Notification.user_id == user.id)
                           .order_by(Notification.id)).all()


def test_the_merchant_hears_of_a_new_case_and_that_it_must_answer(session, personas, refused):
    case = make_case(order=refused)
    kinds = [n.kind for n in inbox_of(session, personas["merchant"])]
    assert kinds == ["case_opened", "your_turn"]
    texts = [text_of(n) for n in inbox_of(session, personas["merchant"])]
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
