"""The law library pages: search and read the provisions; an admin adds, amends and retires them, and a ruling
keeps showing the version it cited."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from arbitration.law import services as law
from arbitration.law.models import Provision
from arbitration.rulings import rules
from arbitration.rulings import services as rulings
from arbitration.rulings.models import Ruling
from tests.conftest import client_of, login, text
from tests.factories import FACTS, REASONING, issue_through_the_form, make_case, suggested_codes

CRPL_26_FIRST = "经营者在经营活动中使用格式条款的，应当以显著方式提请消费者注意商品或者服务的数量和质量"
CRPL_53_V1 = "经营者以预收款方式提供商品或者服务的，应当按照约定提供。"
CRPL_53_V2 = "经营者以预收款方式提供商品或者服务的，应当按照约定提供，并在七日内退回未履行部分的预付款。"


def listed(response):
    """The codes in the result table, in order."""
    assert response.status_code == 200
    return re.findall(r'<tr><td><a href="/law/([^"]+)">', text(response))


NEW_PROVISION = {"code": "TEST-1", "law": "测试用规范", "law_en": "A test rule", "article": "第一条",
                 "effective": "2026-09-01", "text_zh": "平台应当在二十四小时内答复用户的申诉。\n逾期未答复的，视为受理。",
                 "gloss_en": "", "applies_when": "platform_odr, delivery_delay", "source": "测试"}


# ---- search and read ----

def test_search_by_code_finds_the_provision(client, session):
    login(client, "buyer")
    assert listed(client.get("/law", query_string={"q": "CRPL-26"})) == ["CRPL-26"]
    assert listed(client.get("/law", query_string={"q": "crpl-26"})) == ["CRPL-26"]


@pytest.mark.parametrize("q", ["26", "第二十六条", "第26条", "二十六"])
def test_search_by_article_number_in_digits_or_chinese_finds_article_26(client, session, q):
    login(client, "arbitrator")
    codes = listed(client.get("/law", query_string={"q": q}))
    assert "CRPL-26" in codes
    assert "CRPL-53" not in codes


def test_search_by_words_finds_the_provisions_whose_text_has_them(client, session):
    login(client, "arbitrator")
    codes = listed(client.get("/law", query_string={"q": "格式条款"}))
    expected = {p.code for p in law.current_all() if "格式条款" in p.text_zh + p.law + p.gloss_en + p.law_en}
    assert set(codes) == expected
    assert {"CRPL-26", "CC-496", "CC-497"} <= set(codes) and "CRPL-53" not in codes


def test_search_within_one_law(client, session):
    login(client, "arbitrator")
    codes = listed(client.get("/law", query_string={"q": "格式条款", "law": "中华人民共和国民法典"}))
    assert codes and all(code.startswith("CC-") for code in codes)
    assert "CC-496" in codes and "CRPL-26" not in codes


@pytest.mark.parametrize("q", ["%", "_", "\\"])
def test_like_wildcards_in_a_search_are_taken_literally(client, session, q):
    login(client, "buyer")
    assert listed(client.get("/law", query_string={"q": q})) == []


def test_the_search_words_are_escaped_when_shown_back(client, session):
    login(client, "buyer")
    page = text(client.get("/law", query_string={"q": '"><script>alert(1)</script>'}))
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_a_search_that_matches_nothing_says_so(client, session):
    login(client, "buyer")
    response = client.get("/law", query_string={"q": "量子纠缠"})
    assert listed(response) == [] and "没有匹配的条文。" in text(response)


def test_the_detail_page_shows_the_verbatim_text(client, session):
    login(client, "merchant")
    provision = law.current("CRPL-26")
    page = text(client.get("/law/CRPL-26"))
    assert "中华人民共和国消费者权益保护法 第二十六条" in page and "2014-03-15" in page
    for line in provision.text_zh.split("\n"):
        assert f"<p>{line}</p>" in page
    assert CRPL_26_FIRST in page
    assert "/law/CRPL-26/amend" not in page        # no admin tools for a merchant


def test_an_unknown_code_is_404(client, session):
    login(client, "buyer")
    assert client.get("/law/NOPE-1").status_code == 404


# ---- add ----

def test_an_admin_adds_a_provision(client, session):
    login(client, "admin")
    response = client.post("/law/new", data=NEW_PROVISION)
    assert response.status_code == 302 and response.headers["Location"].endswith("/law/TEST-1")
    row = law.current("TEST-1")
    assert (row.version, row.law, row.article_no, row.applies_when) == (1, "测试用规范", 1,
                                                                        ["platform_odr", "delivery_delay"])
    page = text(client.get("/law/TEST-1"))
    assert "<p>平台应当在二十四小时内答复用户的申诉。</p>" in page and "<p>逾期未答复的，视为受理。</p>" in page
    assert "TEST-1 已加入法规库。" in page
    assert listed(client.get("/law", query_string={"q": "申诉"})) == ["TEST-1"]


def test_markup_in_a_provision_is_shown_as_text(client, session):
    login(client, "admin")
    script = "<script>alert(1)</script>"
    assert client.post("/law/new", data=NEW_PROVISION | {"text_zh": "第一款" + script, "law": "测试" + script}) \
        .status_code == 302
    for url in ("/law/TEST-1", "/law?q=TEST-1"):
        page = text(client.get(url))
        assert script not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("changes, message", [
    ({"code": "第26条"}, "条文编号形如 CRPL-26（大写字母、数字和连字符）。"),
    ({"code": "CRPL 99"}, "条文编号形如 CRPL-26（大写字母、数字和连字符）。"),
    ({"code": ""}, "条文编号形如 CRPL-26（大写字母、数字和连字符）。"),
    ({"code": "CRPL-26"}, "CRPL-26 已在法规库中，请改用“修订”。"),
], ids=["chinese code", "space", "empty", "existing code"])
def test_a_bad_provision_is_refused_with_the_reason(client, session, changes, message):
    login(client, "admin")
    before = session.scalar(sa.select(sa.func.count()).select_from(Provision))
    response = client.post("/law/new", data=NEW_PROVISION | changes)
    assert response.status_code == 400
    assert message in text(response)
    session.expire_all()
    assert session.scalar(sa.select(sa.func.count()).select_from(Provision)) == before


# ---- amend ----

def test_an_amendment_adds_a_version_and_an_old_ruling_keeps_the_text_it_cited(app, session, personas):
    case = make_case("review", arbitrator=personas["arbitrator"])
    old_ruling = rulings.issue_ruling(case, personas["arbitrator"], decision="upheld", facts_found=FACTS,
                                      reasoning=REASONING, remedies=[rules.Remedy("full_refund")],
                                      citations=["CRPL-53"])
    admin = client_of(app, "admin")
    response = admin.post("/law/CRPL-53/amend", data={"text_zh": CRPL_53_V2, "effective": "2026-09-30",
                                                      "gloss_en": "", "change_note": "测试：新的修正文本"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/law/CRPL-53")
    page = text(admin.get("/law/CRPL-53"))
    assert "CRPL-53 现为第 2 版。" in page
    assert "第 2 版" in page and "第 1 版" in page
    assert page.index(CRPL_53_V2) < page.index(CRPL_53_V1)            # the new version first, the old one kept
    assert "2026-09-30" in page and "2014-03-15" in page and "测试：新的修正文本" in page
    assert law.current("CRPL-53").version == 2

    ruling_page = text(client_of(app, "buyer").get(f"/rulings/{old_ruling.number}"))
    assert CRPL_53_V1 in ruling_page and CRPL_53_V2 not in ruling_page
    assert "2014-03-15 施行的版本" in ruling_page

    # a ruling issued now cites the new version, and the form shows its text
    other = make_case("review", arbitrator=personas["arbitrator"])
    arbitrator = client_of(app, "arbitrator")
    form = text(arbitrator.get(f"/cases/{other.number}/ruling"))
    assert "CRPL-53" in suggested_codes(form) and CRPL_53_V2 in form
    assert issue_through_the_form(arbitrator, other, citations=["CRPL-53"]).status_code == 302
    session.expire_all()
    new_ruling = session.scalar(sa.select(Ruling).where(Ruling.case_id == other.id))
    assert [(c.provision.code, c.provision.version) for c in new_ruling.citations] == [("CRPL-53", 2)]


@pytest.mark.parametrize("changes, message", [
    ({"effective": "2010-01-01"}, "新版本的施行日期不能早于现行版本（2014-03-15）。"),
    ({"text_zh": None}, "没有任何修改：请填写新的条文或新的施行日期。"),
    ({"change_note": "改"}, "请说明修改内容及新文本来源（至少 5 个字）。"),
], ids=["earlier date", "nothing changed", "no change note"])
def test_a_bad_amendment_is_refused_and_adds_no_version(client, session, changes, message):
    login(client, "admin")
    data = {"text_zh": CRPL_53_V2, "effective": "2026-09-30", "gloss_en": "", "change_note": "测试：新的修正文本"}
    data.update(changes)
    if data["text_zh"] is None:
        data["text_zh"], data["effective"] = law.current("CRPL-53").text_zh, "2014-03-15"
    response = client.post("/law/CRPL-53/amend", data=data)
    assert response.status_code == 400
    assert message in text(response)
    session.expire_all()
    assert [p.version for p in law.versions("CRPL-53")] == [1]


# ---- retire ----

def test_a_retired_provision_leaves_search_and_suggestions_and_cannot_be_cited(app, session, personas):
    case = make_case("review", arbitrator=personas["arbitrator"])
    admin = client_of(app, "admin")
    response = admin.post("/law/CRPL-53/retire", data={"reason": "测试：已被新规定取代"})
    assert response.status_code == 302
    page = text(admin.get("/law/CRPL-53"))
    assert "CRPL-53 已停用：不再推荐，也不能再被引用。" in page and "已停用" in page and "测试：已被新规定取代" in page
    assert CRPL_53_V1 in page                                          # its text stays readable
    assert "/law/CRPL-53/amend" not in page
    assert admin.get("/law/CRPL-53/amend").status_code == 404              # nothing in force to amend

    assert "CRPL-53" not in listed(admin.get("/law", query_string={"q": "CRPL-53"}))
    assert "CRPL-53" not in listed(admin.get("/law", query_string={"q": "预收款"}))
    assert "CRPL-53" in listed(admin.get("/law", query_string={"q": "CRPL-53", "retired": "1"}))

    arbitrator = client_of(app, "arbitrator")
    codes = suggested_codes(text(arbitrator.get(f"/cases/{case.number}/ruling")))
    assert codes and "CRPL-53" not in codes and "CRPLR-22" in codes
    for changes in ({"citations": ["CRPL-53"]}, {"citations": ["CC-563"], "other_citations": "CRPL-53"}):
        response = issue_through_the_form(arbitrator, case, **changes)    # saved as a draft, never issued
        assert response.status_code == 302
        assert "CRPL-53 不是法规库中现行有效的条文。" in text(arbitrator.get(response.headers["Location"]))
    session.expire_all()
    assert session.scalar(sa.select(Ruling).where(Ruling.case_id == case.id)) is None


def test_a_ruling_that_cited_a_provision_keeps_showing_it_after_retirement(app, session, personas):
    case = make_case("review", arbitrator=personas["arbitrator"])
    ruling = rulings.issue_ruling(case, personas["arbitrator"], decision="upheld", facts_found=FACTS,
                                  reasoning=REASONING, remedies=[rules.Remedy("full_refund")], citations=["CRPL-53"])
    assert client_of(app, "admin").post("/law/CRPL-53/retire", data={"reason": "测试：已被新规定取代"}).status_code == 302
    page = text(client_of(app, "buyer").get(f"/rulings/{ruling.number}"))
    assert "中华人民共和国消费者权益保护法 第五十三条" in page and CRPL_53_V1 in page


def test_retiring_needs_a_reason(client, session):
    login(client, "admin")
    response = client.post("/law/CRPL-53/retire", data={"reason": "过时"})
    assert response.status_code == 303
    assert "请说明停用原因（至少 5 个字）。" in text(client.get("/law/CRPL-53"))
    session.expire_all()
    assert law.current("CRPL-53") is not None


# ---- who may change the library ----

@pytest.mark.parametrize("username", ["buyer", "merchant", "support", "arbitrator", "supervisor", "regulator"])
def test_only_admins_add_amend_or_retire_provisions(app, session, username):
    other = client_of(app, username)
    assert other.get("/law/new").status_code == 403
    assert other.post("/law/new", data=NEW_PROVISION).status_code == 403
    assert other.get("/law/CRPL-26/amend").status_code == 403
    assert other.post("/law/CRPL-26/amend", data={"text_zh": "改过的条文", "effective": "2026-09-30",
                                                  "change_note": "未经授权的修改"}).status_code == 403
    assert other.post("/law/CRPL-26/retire", data={"reason": "未经授权的停用"}).status_code == 403
    session.expire_all()
    assert law.latest("TEST-1") is None
    assert [(p.version, p.retired) for p in law.versions("CRPL-26")] == [(1, False)]
    assert other.get("/law/CRPL-26").status_code == 200              # reading stays open to everyone signed in


def test_an_anonymous_visitor_is_sent_to_login(client, session):
    response = client.get("/law")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
