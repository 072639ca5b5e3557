"""Server-drawn charts: the title is not drawn twice, labels stay readable and escaped."""
from __future__ import annotations

import re

from arbitration.oversight.charts import bar_chart


def test_the_title_is_the_accessible_name_only_never_drawn_text():
    svg = bar_chart([("官方直营店", 3), ("飞鱼卡盟", 1)], title="各商家争议案件")
    drawn = re.findall(r"<text[^>]*>(.*?)</text>", svg)
    assert "各商家争议案件" not in drawn
    assert svg.count("各商家争议案件") == 2             # <title> and aria-label
    assert drawn == ["官方直营店", "3", "飞鱼卡盟", "1"]


def test_labels_are_drawn_at_a_size_readable_on_a_phone():
    svg = bar_chart([("官方直营店", 3)], title="t")
    width = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))
    sizes = {int(s) for s in re.findall(r'font-size="(\d+)"', svg)}
    assert min(sizes) * 340 / width >= 11                # a 340 px wide card on a 375 px phone


def test_long_labels_are_cut_with_an_ellipsis_and_markup_is_escaped():
    svg = bar_chart([("<b>" + "很长的商家名" * 10, 1)], title="<x>")
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "…" in svg and "<x>" not in svg


def test_with_links_each_row_leads_to_its_address_and_the_chart_is_a_named_group_of_links():
    svg = bar_chart([("2026-09", 4), ("2026-10", 1)], title="每月受理案件",
                    links=["/cases?happened=opened&from=2026-09-01&to=2026-09-30", "/cases?x=<b>"])
    assert svg.count("<a href=") == 2 and svg.count("</a>") == 2
    assert 'href="/cases?happened=opened&amp;from=2026-09-01&amp;to=2026-09-30"' in svg
    assert 'href="/cases?x=&lt;b&gt;"' in svg and 'aria-label="2026-09: 4"' in svg
    assert 'role="group"' in svg and 'aria-label="每月受理案件"' in svg
    assert 'role="img"' in bar_chart([("a", 1)], title="t") and "<a " not in bar_chart([("a", 1)], title="t")
