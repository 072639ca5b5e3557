"""The law library: loading the carried data file, versions, retiring, searching."""
from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from arbitration.errors import Conflict, InvalidInput, NotFound
from arbitration.law import services as law
from arbitration.law.models import Provision


def count(session):
    return session.scalar(sa.select(sa.func.count()).select_from(Provision))


def test_the_carried_file_is_loaded_verbatim_with_its_effective_dates(session):
    data = {p["id"]: p for p in json.loads(law.DATA_FILE.read_text("utf-8"))}
    rows = law.current_all()
    assert len(rows) == len(data) == 93
    for row in rows:
        assert row.text_zh == data[row.code]["text_zh"]
        assert row.effective.isoformat() == data[row.code]["effective"]
    assert law.current("CRPLR-13").citation == "第十三条第二款"


def test_loading_again_changes_nothing_and_a_changed_text_becomes_a_new_version(session, tmp_path):
    assert law.load_file() == law.LoadResult(added=0, amended=0, unchanged=93)
    data = json.loads(law.DATA_FILE.read_text("utf-8"))
    entry = next(p for p in data if p["id"] == "ECL-63")
    entry["text_zh"] += "（测试修订）"
    entry["effective"] = "2026-09-01"
    data.append({**entry, "id": "TEST-1", "article": "第一条", "article_no": 1})
    path = tmp_path / "library.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    assert law.load_file(path) == law.LoadResult(added=1, amended=1, unchanged=92)
    assert [v.version for v in law.versions("ECL-63")] == [2, 1]
    assert law.current("ECL-63").text_zh.endswith("（测试修订）")


@pytest.mark.parametrize("content", [
    "not json",
    '{"id": "CRPL-1"}',
    '[{"id": "bad code", "law": "x", "article": "第一条", "effective": "2020-01-01", "text_zh": "x"}]',
    '[{"id": "NEW-1", "law": "x", "article": "第一条", "effective": "someday", "text_zh": "x"}]',
    '[{"id": "NEW-1", "law": "x", "article": "第一条", "effective": "2020-01-01", "text_zh": ""}]',
    '[{"id": "NEW-1", "law": "x", "article": "第一条", "effective": "2020-01-01", "text_zh": "x"},'
    ' {"id": "NEW-1", "law": "x", "article": "第一条", "effective": "2020-01-01", "text_zh": "y"}]',
    '[{"id": "NEW-1", "law": "x", "article": "第一条", "effective": "2020-01-01", "text_zh": "x"},'
    ' {"id": "NEW-2", "law": "x", "article": "第一条", "effective": "2020-01-01", "text_zh": "x",'
    ' "applies_when": ["Not A Tag"]}]',
])
def test_a_bad_file_is_refused_whole(session, tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content, "utf-8")
    before = count(session)
    with pytest.raises(InvalidInput):
        law.load_file(path)
    assert count(session) == before


def test_an_amendment_is_a_new_version_and_needs_a_change(session, personas):
    admin = personas["admin"]
    with pytest.raises(InvalidInput):
        law.amend(admin, "CRPL-26", text_zh=law.current("CRPL-26").text_zh, effective=dt.date(2014, 3, 15),
                  change_note="没有任何修改")
    with pytest.raises(InvalidInput):
        law.amend(admin, "CRPL-26", text_zh="新文本", effective=dt.date(2000, 1, 1), change_note="早于现行版本")
    with pytest.raises(NotFound):
        law.amend(admin, "NOPE-1", text_zh="新文本", effective=dt.date(2026, 9, 1), change_note="不存在的条文")
    row = law.amend(admin, "CRPL-26", text_zh="新文本", effective=dt.date(2026, 9, 1), change_note="2026 年修订")
    assert (row.version, law.current("CRPL-26").id) == (2, row.id)


def test_a_retired_provision_is_neither_current_nor_found_unless_asked(session, personas):
    with pytest.raises(InvalidInput):
        law.retire(personas["admin"], "PL-13", reason="")
    law.retire(personas["admin"], "PL-13", reason="测试：已被新法取代")
    assert law.current("PL-13") is None and law.latest("PL-13").retired
    assert "PL-13" not in [p.code for p in law.search("PL-13")]
    assert "PL-13" in [p.code for p in law.search("PL-13", include_retired=True)]
    with pytest.raises(NotFound):
        law.retire(personas["admin"], "PL-13", reason="再次停用")


def test_an_admin_adds_a_provision_once(session, personas):
    data = {"code": "TEST-9", "law": "测试法", "article": "第九条", "effective": dt.date(2026, 1, 1),
            "text_zh": "测试条文。", "applies_when": "hidden_fee, fraud"}
    row = law.add(personas["admin"], data)
    assert (row.version, row.article_no, row.applies_when) == (1, 9, ["hidden_fee", "fraud"])
    with pytest.raises(Conflict):
        law.add(personas["admin"], data)


@pytest.mark.parametrize("query, expected", [
    ("CRPL-26", "CRPL-26"), ("crpl-26", "CRPL-26"), ("第五十五条", "CRPL-55"), ("五十五", "CRPL-55"),
    ("格式条款", "CRPL-26"), ("prepayment", "CRPL-53"), ("争议在线解决", "ECL-63"),
])
def test_search_finds_by_code_article_number_or_words(session, query, expected):
    assert expected in [p.code for p in law.search(query)]


def test_search_by_law_narrows_and_sql_characters_are_just_text(session):
    found = law.search("", law="中华人民共和国电子商务法")
    assert found and all(p.law == "中华人民共和国电子商务法" for p in found)
    assert law.search("%") == [] and law.search("_") == [] and law.search("' OR 1=1 --") == []


@pytest.mark.parametrize("text, number", [("26", 26), ("第26条", 26), ("第二十六条", 26), ("十", 10),
                                          ("一百零五", 105), ("第一百二十七条", 127), ("abc", None)])
def test_article_numbers_are_read_in_arabic_or_chinese_numerals(text, number):
    assert law.article_number(text) == number


def test_a_text_not_in_force_yet_cannot_be_added_or_cited(session, personas, tmp_path):
    with pytest.raises(InvalidInput) as err:
        law.amend(personas["admin"], "CRPL-26", text_zh="将来施行的文本", effective=dt.date(2026, 10, 1),
                  change_note="尚未施行的修订")
    assert err.value.field == "effective" and law.current("CRPL-26").version == 1
    data = [{"id": "NEW-1", "law": "x", "article": "第一条", "effective": "2027-01-01", "text_zh": "x"}]
    path = tmp_path / "future.json"
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(InvalidInput):
        law.load_file(path)
    assert law.latest("NEW-1") is None
