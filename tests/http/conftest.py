"""Fixtures of the page and API tests: `context`, one object of each kind the routes need, for the tests that
request every route (the permission matrix, CSRF on every form)."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from arbitration import clock
from arbitration.api.services import create_client
from arbitration.api.webhooks import enqueue
from arbitration.calendar.services import add_day
from arbitration.cases import conflicts
from arbitration.cases import services as cases
from arbitration.cases.enforcement import tasks_of
from arbitration.cases.filters import CaseFilter
from arbitration.cases.workflow import Action
from arbitration.evidence.services import add_file
from arbitration.library import services as library
from arbitration.orders import requests as order_requests
from arbitration.orders.models import Refund
from arbitration.oversight import exports
from arbitration.rulings import drafts as ruling_drafts
from arbitration.rulings import rules as ruling_rules
from arbitration.rulings import services as rulings
from tests.factories import make_order, make_refused_order
from tests.files import png


@pytest.fixture
def context(session, personas):
    """One object of each kind the routes need, owned by the buyer persona and the merchant persona."""
    buyer, staff = personas["buyer"], personas["merchant"]
    orders = {state: make_order(buyer, state, merchant_staff=staff) for state in ("paid", "delivered", "refunded")}
    orders["locked"] = make_order(buyer, "paid", merchant_staff=staff, locked=True)
    orders["pending_request"] = make_order(buyer, "paid", merchant_staff=staff)
    orders["reissued"] = make_order(buyer, "delivered", merchant_staff=staff)
    cancellation = order_requests.request_cancellation(orders["pending_request"], buyer, reason="wrong_item")
    reissued = order_requests.request_after_sales(orders["reissued"], buyer, problem="invalid_code",
                                                  description="卡密提示已被使用，无法兑换")
    order_requests.respond_after_sales(orders["reissued"], reissued, staff, response="reissue", codes=["NEW-1"])
    refund = session.scalar(sa.select(Refund).where(Refund.order_id == orders["refunded"].id))
    evidence = add_file(buyer, reissued, filename="a.png", chunks=[png()], kind="screenshot")
    add_day(personas["admin"], dt.date(2027, 1, 1), "holiday", "元旦")  # for the remove row

    orders["rejected"] = make_refused_order(buyer, staff)
    opened = {name: cases.open_case(buyer, make_refused_order(buyer, staff), category="non_delivery",
                                    remedy="full_refund", amount_fen=None, statement="商家拒绝取消，也没有发货。")
              for name in ("negotiation", "offer", "evidence", "ruled", "enforcement", "review", "issued", "drafted")}
    cases.make_offer(opened["offer"], staff, remedy="reissue", amount_fen=None)
    cases.refuse_claim(opened["evidence"], staff, reason="卡密已发出并已使用")
    for name in ("review", "issued", "drafted"):   # in review before the arbitrator persona, who rules on "issued"
        cases.refuse_claim(opened[name], staff, reason="卡密已发出并已使用")
        cases.no_more_evidence(opened[name], buyer)
        cases.no_more_evidence(opened[name], staff)
    ruling = rulings.issue_ruling(opened["issued"], personas["arbitrator"], decision="upheld",
                                  facts_found="买家付款后商家既未发货也未同意取消。",
                                  reasoning="经营者收取货款后未按约定提供商品，应当按照消费者的要求退回货款。",
                                  remedies=[ruling_rules.Remedy("full_refund")], citations=["CRPL-53"])
    rulings.make_pdf(ruling)   # as the rendering job does after the commit
    published = library.publish(ruling, clock.now_utc())   # (a final case is not needed to read the library)
    content = ruling_drafts.Content(decision="upheld", facts_found="买家付款后商家既未发货也未同意取消。",
                                    reasoning="经营者收取货款后未按约定提供商品，应当按照消费者的要求退回货款。",
                                    found_tags=("paid_not_delivered",), citations=("CRPL-53",),
                                    remedies=(ruling_rules.Remedy("full_refund"),))
    drafts = {"draft": ruling_drafts.save_draft(opened["review"], personas["arbitrator"], content),
              "in_review": ruling_drafts.save_draft(opened["drafted"], personas["arbitrator"], content)}
    ruling_drafts.send_for_review(opened["drafted"], personas["arbitrator"])
    conflict = conflicts.declare(personas["admin"], arbitrator_id=personas["arbitrator"].id,
                                 merchant_id=personas["merchant_b"].merchant_id, reason="曾在飞鱼卡盟任职客服主管")
    cases.accept_claim(opened["enforcement"], staff)
    cases.apply_action(opened["ruled"], Action.default_ruling, None)   # as when the merchant stays silent
    task = tasks_of(opened["enforcement"])[0]

    # a finished export of one case (the issued one): its pages and its download are what the routes need; an export
    # of every case here would lay out a dozen dossiers for each role of the matrix (about 5 s each time)
    done = exports.request_export(personas["regulator"], CaseFilter(q=opened["issued"].number), enqueue=False)
    done = exports.build(done.id, processes=1)                 # as the export job does
    assert done.state == "done" and done.total == 1, (done.state, done.total)
    queued = exports.request_export(personas["regulator"], CaseFilter(), enqueue=False)
    api_client, _token = create_client(personas["admin"], name="卡盟主站", scopes=["cases:read"])
    delivery = enqueue(api_client, "case.opened", {"case": opened["negotiation"].number}, clock.now_utc())
    return {"personas": personas, "orders": orders, "refund": refund, "evidence": evidence, "cases": opened,
            "task": task, "ruling": ruling, "published": published, "conflict": conflict,
            "exports": {"done": done, "queued": queued}, "api_client": api_client, "delivery": delivery,
            "drafts": drafts, "requests": {"cancellation": cancellation, "reissued": reissued}}


@pytest.fixture
def request_(session, personas):
    """An after-sales request on a delivered order of the official store (the evidence pages' subject)."""
    order = make_order(personas["buyer"], "delivered", merchant_staff=personas["merchant"])
    return order_requests.request_after_sales(order, personas["buyer"], problem="invalid_code",
                                              description="卡密兑换时提示已被使用")


@pytest.fixture(autouse=True)
def _no_dossier_copies_of_other_tests(app):
    """Every test's database starts again from the same ids and times, the object store does not: a case of an
    earlier test with the same id and the same events would have its dossier served from the store."""
    from arbitration.oversight import dossier_cache
    from arbitration.storage import app_store

    with app.app_context():
        store = app_store()
        for key in list(store.iter_keys(dossier_cache.PREFIX + "/")):
            store.delete(key)
    yield
