"""CSV and .xlsx files a regulator opens: byte-order mark, header rows, formulas defused, numbers as numbers."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from arbitration.oversight import tables


def test_a_csv_starts_with_the_byte_order_mark_then_the_chinese_header():
    data = tables.csv_text(["商家", "案件数"], [["飞鱼卡盟", 2]]).encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [["商家", "案件数"], ["飞鱼卡盟", "2"]]


def test_an_english_header_row_comes_second_when_asked_for():
    text = tables.csv_text(["商家", "案件数"], [["飞鱼卡盟", 2]], english_header=["Merchant", "Cases"])
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[:2] == [["商家", "案件数"], ["Merchant", "Cases"]]


def test_cells_a_spreadsheet_would_run_are_defused_in_both_formats():
    assert tables.csv_text(["a"], [["=1+1"]]).splitlines()[1] == "'=1+1"
    sheet = load_workbook(io.BytesIO(tables.xlsx_bytes("t", ["a"], [["=1+1"]]))).active
    assert sheet["A2"].value == "'=1+1"


def test_an_xlsx_sheet_has_its_title_a_bold_header_and_numbers_as_numbers():
    data = tables.xlsx_bytes("商家排名", ["商家", "得分"], [["飞鱼卡盟", 3.5]], english_header=["Merchant", "Score"])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "商家排名"
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows == [["商家", "得分"], ["Merchant", "Score"], ["飞鱼卡盟", 3.5]]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A3"
