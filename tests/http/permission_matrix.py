"""Who may use which endpoint: one row per endpoint in app.url_map. A new route without a row
fails tests/http/test_permission_matrix.py. Later features add their rows here.

A refusal is 403, or 404 where the object itself is hidden from that person (someone else's order).
"""
from __future__ import annotations

ROLES = ("buyer", "merchant_staff", "support", "arbitrator", "supervisor", "regulator", "admin")
EVERYONE = frozenset(ROLES) | {"anonymous"}
SIGNED_IN = frozenset(ROLES)
ADMIN = frozenset({"admin"})
CALENDAR_READERS = frozenset({"admin", "supervisor", "arbitrator", "support"})
BUYER = frozenset({"buyer"})
MERCHANT = frozenset({"merchant_staff"})
SUPPORT = frozenset({"support", "admin"})
ORDER_VIEWERS = frozenset({"buyer", "merchant_staff", "support", "admin", "supervisor"})
EVIDENCE_READERS = frozenset({"buyer", "merchant_staff", "supervisor", "regulator"})

# API endpoints: a bearer token, never the session; every session user and anonymous visitor gets 401 JSON
TOKEN_ONLY = {"api.order", "api.case", "api.ruling_pdf", "api.create_order", "api.pay_order", "api.deliver_order",
              "api.confirm_order", "api.refund_outcome", "api.request_cancellation", "api.request_after_sales",
              "api.open_case", "api.add_evidence", "api.inbound_webhook", "api.verify_reissue",
              "api.oversight_figures", "api.oversight_cases"}

# endpoints whose allowed use ends on the login page (so "sent to login" is no refusal there)
ENDS_AT_LOGIN = {"auth.logout"}
# an allowed use answers 2xx or 3xx, except where the row's request is bad input by design
ALLOWED_ALSO = {"evidence.upload": {400}, "cases.upload_evidence": {400},   # a form post that is not multipart
                "cases.reassign": {400}}   # reached the action: no other arbitrator to choose, said next to the field


CASE_VIEWERS = frozenset({"buyer", "merchant_staff", "support", "supervisor", "regulator"})
PARTIES = frozenset({"buyer", "merchant_staff"})
# the parties, the case's arbitrator (who issued it), supervisors and regulators; not support, not admins
RULING_READERS = frozenset({"buyer", "merchant_staff", "arbitrator", "supervisor", "regulator"})
OVERSIGHT = frozenset({"supervisor", "regulator"})
DRAFT_READERS = frozenset({"arbitrator", "supervisor"})


def _case(name):
    return lambda c: {"number": c["cases"][name].number}


def _ruling(c):
    return {"number": c["ruling"].number}


def _published(c):
    return {"number": c["published"].number}


def _draft(c):
    return {"draft_id": c["drafts"]["in_review"].id}


def _export(name):
    return lambda c: {"export_id": c["exports"][name].id}


def _order(name):
    return lambda c: {"number": c["orders"][name].number}


# endpoint: (method, url arguments (a function of the context: personas and objects), form data, who may use it)
MATRIX = {
    "static": ("GET", lambda c: {"filename": "css/app.css"}, None, EVERYONE),
    "auth.login": ("GET", None, None, EVERYONE),
    "auth.logout": ("POST", None, {}, SIGNED_IN),
    "auth.language": ("POST", None, {"lang": "en"}, EVERYONE),
    "home.index": ("GET", None, None, SIGNED_IN),
    "admin.users": ("GET", None, None, ADMIN),
    "admin.create_user": ("GET", None, None, ADMIN),
    "admin.edit_user": ("GET", lambda c: {"user_id": c["personas"]["buyer"].id}, None, ADMIN),
    "admin.calendar_page": ("GET", None, None, CALENDAR_READERS),
    "admin.add_calendar_day": ("POST", None, {"day": "2027-01-04", "kind": "holiday", "name": "调休"}, ADMIN),
    "admin.remove_calendar_day": ("POST", None, {"day": "2027-01-01"}, ADMIN),
    "admin.mark_calendar_year": ("POST", None, {"year": "2027"}, ADMIN),
    "admin.conflicts_page": ("GET", None, None, ADMIN),
    "admin.remove_conflict": ("POST", lambda c: {"conflict_id": c["conflict"].id}, {}, ADMIN),
    # orders
    "orders.my_orders": ("GET", None, None, BUYER),
    "orders.detail": ("GET", _order("paid"), None, ORDER_VIEWERS),
    "orders.cancel": ("GET", _order("paid"), None, BUYER),
    "orders.confirm": ("GET", _order("delivered"), None, BUYER),
    "orders.after_sales": ("GET", _order("delivered"), None, BUYER),
    "orders.platform_fault": ("GET", _order("paid"), None, frozenset({"buyer", "support"})),
    "orders.verify_reissue": ("POST", lambda c: {"number": c["orders"]["reissued"].number,
                                                 "request_id": c["requests"]["reissued"].id},
                              {"works": "yes"}, BUYER),
    "orders.withdraw_request": ("POST", lambda c: {"number": c["orders"]["pending_request"].number,
                                                   "request_id": c["requests"]["cancellation"].id}, {}, BUYER),
    "orders.lock": ("POST", _order("paid"), {}, SUPPORT),
    "orders.unlock": ("POST", _order("locked"), {"method": "id_document", "note": "核对身份证"}, SUPPORT),
    "orders.refund_outcome": ("POST", lambda c: {"number": c["orders"]["refunded"].number,
                                                 "refund_id": c["refund"].id, "outcome": "done"}, {}, SUPPORT),
    "orders.locks": ("GET", None, None, SUPPORT),
    "merchant.queue": ("GET", None, None, MERCHANT),
    "merchant.decide": ("GET", lambda c: {"request_id": c["requests"]["cancellation"].id}, None, MERCHANT),
    "evidence.upload": ("POST", lambda c: {"number": c["orders"]["reissued"].number,
                                           "request_id": c["requests"]["reissued"].id}, {"kind": "screenshot"},
                        frozenset({"buyer", "merchant_staff"})),
    "evidence.download": ("GET", lambda c: {"evidence_id": c["evidence"].id}, None, EVIDENCE_READERS),
    "evidence.preview": ("GET", lambda c: {"evidence_id": c["evidence"].id}, None, EVIDENCE_READERS),
    "evidence.view": ("GET", lambda c: {"evidence_id": c["evidence"].id}, None, EVIDENCE_READERS),
    "evidence.receipt": ("GET", lambda c: {"evidence_id": c["evidence"].id}, None, EVIDENCE_READERS),
    "cases.open_case": ("GET", lambda c: {"number": c["orders"]["rejected"].number}, None, BUYER),
    "cases.detail": ("GET", _case("negotiation"), None, CASE_VIEWERS),
    "cases.accept": ("POST", _case("negotiation"), {}, MERCHANT),
    "cases.offer": ("POST", _case("negotiation"), {"remedy": "reissue"}, MERCHANT),
    "cases.refuse_claim": ("POST", _case("negotiation"), {"reason": "卡密已发出并已使用"}, MERCHANT),
    "cases.accept_offer": ("POST", lambda c: {"number": c["cases"]["offer"].number}, {}, BUYER),
    "cases.reject_offer": ("POST", lambda c: {"number": c["cases"]["offer"].number}, {}, BUYER),
    "cases.withdraw": ("POST", _case("negotiation"), {}, BUYER),
    "cases.index": ("GET", None, None, frozenset(ROLES) - {"admin"}),
    "cases.note": ("POST", _case("negotiation"), {"body": "内部笔记：需核实付款截图"}, frozenset({"supervisor"})),
    "cases.message": ("POST", _case("negotiation"), {"body": "请处理"},
                      frozenset({"buyer", "merchant_staff", "supervisor"})),
    "cases.supplementary": ("POST", _case("evidence"), {"party": "buyer", "note": "请提供兑换失败的录屏"},
                            frozenset({"arbitrator"})),
    "cases.extend": ("POST", _case("evidence"), {"hours": "24", "reason": "双方正在补充材料"}, frozenset({"arbitrator"})),
    "cases.reassign": ("POST", _case("evidence"), {"arbitrator_id": "0", "reason": "工作量调整"},
                       frozenset({"supervisor"})),
    "cases.reconsideration": ("POST", _case("ruled"), {"new_facts": "商家提供了新的发货记录"}, PARTIES),
    "cases.task_done": ("POST", lambda c: {"number": c["cases"]["enforcement"].number, "task_id": c["task"].id},
                        {"note": "已退款"}, frozenset({"merchant_staff", "support"})),
    "cases.no_more_evidence": ("POST", _case("evidence"), {}, frozenset({"buyer", "merchant_staff"})),
    "cases.upload_evidence": ("POST", _case("negotiation"), {"kind": "screenshot"},
                              frozenset({"buyer", "merchant_staff"})),
    "cases.defaults": ("GET", None, None, SIGNED_IN),
    "notifications.inbox": ("GET", None, None, SIGNED_IN),
    "notifications.read_all": ("POST", None, {}, SIGNED_IN),
    "merchants.index": ("GET", None, None, ADMIN),
    "merchants.edit": ("GET", lambda c: {"merchant_id": c["personas"]["merchant"].merchant_id}, None, ADMIN),
    "merchants.add_fees": ("POST", lambda c: {"merchant_id": c["personas"]["merchant"].merchant_id},
                           {"paid_rate": "5", "delivered_rate": "0", "note": "5%"}, ADMIN),
    # the law library
    "law.index": ("GET", None, None, SIGNED_IN),
    "law.detail": ("GET", lambda c: {"code": "CRPL-26"}, None, SIGNED_IN),
    "law.new": ("GET", None, None, ADMIN),
    "law.amend": ("GET", lambda c: {"code": "CRPL-26"}, None, ADMIN),
    "law.retire": ("POST", lambda c: {"code": "CRPL-26"}, {"reason": "已被新的司法解释取代"}, ADMIN),
    # rulings
    "rulings.new": ("GET", _case("review"), None, frozenset({"arbitrator"})),
    "rulings.confirm": ("GET", _case("review"), None, frozenset({"arbitrator"})),
    "rulings.issue": ("POST", _case("review"), {}, frozenset({"arbitrator"})),
    "rulings.send_for_review": ("POST", _case("review"), {}, frozenset({"arbitrator"})),
    # a draft: its arbitrator and the supervisors, nobody else (not the parties, not regulators)
    "rulings.draft": ("GET", _draft, None, DRAFT_READERS),
    "rulings.preview": ("GET", _draft, None, DRAFT_READERS),
    "rulings.approve": ("POST", _draft, {"note": ""}, frozenset({"supervisor"})),
    "rulings.return_draft": ("POST", _draft, {"note": "请补充商家拒绝取消的时间"}, frozenset({"supervisor"})),
    "rulings.drafts_waiting": ("GET", None, None, frozenset({"supervisor"})),
    "rulings.four_eyes": ("GET", None, None, frozenset({"supervisor", "admin"})),
    "rulings.detail": ("GET", _ruling, None, RULING_READERS),
    "rulings.download": ("GET", _ruling, None, RULING_READERS),
    "rulings.verify": ("GET", None, None, EVERYONE),
    # oversight: dossiers, exports (only whoever asked for one reaches it), statistics
    "oversight.dossier": ("GET", _case("negotiation"), None, OVERSIGHT),
    "oversight.export_list": ("GET", None, None, OVERSIGHT),
    "oversight.new_export": ("GET", None, None, OVERSIGHT),
    "oversight.export_detail": ("GET", _export("done"), None, frozenset({"regulator"})),
    "oversight.download_export": ("GET", _export("done"), None, frozenset({"regulator"})),
    "oversight.cancel_export": ("POST", _export("queued"), {}, frozenset({"regulator"})),
    "oversight.stats_page": ("GET", None, None, OVERSIGHT | ADMIN),
    "oversight.stats_csv": ("GET", lambda c: {"figure": "ranking"}, None, OVERSIGHT | ADMIN),
    "oversight.stats_xlsx": ("GET", lambda c: {"figure": "ranking"}, None, OVERSIGHT | ADMIN),
    # merchant compliance: every merchant's score for whoever reads statistics; one merchant's for them and its staff
    "oversight.compliance_page": ("GET", None, None, OVERSIGHT | ADMIN),
    "oversight.merchant_compliance": ("GET", lambda c: {"merchant_id": c["personas"]["merchant"].merchant_id}, None,
                                      OVERSIGHT | ADMIN | MERCHANT),
    "oversight.own_compliance": ("GET", None, None, MERCHANT),
    # the platform API (token endpoints: see TOKEN_ONLY) and its clients
    "api.openapi_document": ("GET", None, None, EVERYONE),
    "api.docs": ("GET", None, None, EVERYONE),
    "api.order": ("GET", _order("paid"), None, frozenset()),
    "api.case": ("GET", _case("negotiation"), None, frozenset()),
    "api.ruling_pdf": ("GET", lambda c: {"number": c["cases"]["issued"].number, "ruling_number": c["ruling"].number},
                       None, frozenset()),
    "api.create_order": ("POST", None, {}, frozenset()),
    "api.pay_order": ("POST", _order("paid"), {}, frozenset()),
    "api.deliver_order": ("POST", _order("paid"), {}, frozenset()),
    "api.confirm_order": ("POST", _order("delivered"), {}, frozenset()),
    "api.refund_outcome": ("POST", lambda c: {"number": c["orders"]["refunded"].number,
                                              "refund_id": c["refund"].id}, {}, frozenset()),
    "api.request_cancellation": ("POST", _order("paid"), {}, frozenset()),
    "api.request_after_sales": ("POST", _order("delivered"), {}, frozenset()),
    "api.verify_reissue": ("POST", lambda c: {"number": c["requests"]["reissued"].order.number,
                                              "request_id": c["requests"]["reissued"].id}, {}, frozenset()),
    "api.open_case": ("POST", None, {}, frozenset()),
    "api.add_evidence": ("POST", _case("negotiation"), {}, frozenset()),
    "api.inbound_webhook": ("POST", None, {}, frozenset()),
    "api.oversight_figures": ("GET", None, None, frozenset()),       # the regulators' open feed: oversight:read
    "api.oversight_cases": ("GET", None, None, frozenset()),
    "admin.api_clients": ("GET", None, None, ADMIN),
    "admin.revoke_api_client": ("POST", lambda c: {"client_id": c["api_client"].id}, {}, ADMIN),
    "admin.api_client": ("GET", lambda c: {"client_id": c["api_client"].id}, None, ADMIN),
    "admin.rotate_api_secret": ("POST", lambda c: {"client_id": c["api_client"].id}, {}, ADMIN),
    "admin.replay_webhook": ("POST", lambda c: {"client_id": c["api_client"].id,
                                                "delivery_id": c["delivery"].id}, {}, ADMIN),
    # issue 19: search (whoever has a case list), precedents and retrieval reports, consistency figures
    "search.index": ("GET", None, None, frozenset(ROLES) - {"admin"}),
    "precedents.detail": ("GET", _ruling, None, frozenset({"arbitrator", "supervisor", "regulator"})),
    "precedents.report": ("GET", _case("review"), None, frozenset({"arbitrator"})),
    "consistency.index": ("GET", None, None, OVERSIGHT),
    # the public decision library: read by anyone; a supervisor withholds a decision from it
    "library.index": ("GET", None, None, EVERYONE),
    "library.detail": ("GET", _published, None, EVERYONE),
    "library.withhold": ("GET", _ruling, None, frozenset({"supervisor"})),
    "library.release": ("POST", _ruling, {}, frozenset({"supervisor"})),
}
