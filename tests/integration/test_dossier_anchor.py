"""The dossier shows the last anchor covering the case (issue 20): its number, date, Merkle root and the time the
time stamping authority stated, and which of the case's events came after it; or, in plain words, that no anchor
covers the case yet."""
from __future__ import annotations

import json
import re
import zlib

import sqlalchemy as sa

from arbitration.audit import anchors
from arbitration.audit.models import Anchor
from arbitration.audit.services import events_of, record_event
from arbitration.oversight import dossier
from arbitration.signing import service as signing
from arbitration.web_format import format_local
from tests.conftest import T0
from tests.factories import make_case
from tests.local_tsa import local_tsa_fixture, with_tsa_fixture  # noqa: F401  (fixtures)

EXPORTER = dossier.Exporter("王监管", "监管人员")


def anchor_section(page: str) -> str:
    return re.search(r'<div class="anchor">(.*?)</div>', page, re.S).group(1)


def test_the_dossier_names_the_last_anchor_covering_the_case_and_the_events_after_it(
        session, personas, refused, with_tsa):
    case = make_case("review", order=refused)
    anchors.take()                                           # an older anchor: not the one to show
    anchor = anchors.take()
    assert anchors.stamp(anchor)
    anchored_seq = len(events_of("case", case.id))
    later = record_event("case", case.id, personas["arbitrator"], "case.note_added", {"note": "锚点之后"})

    covering = anchors.covering("case", case.id)
    assert (covering.anchor_id, covering.seq, covering.root) == (anchor.id, anchored_seq, anchor.root)
    assert covering.stamped_at == signing.gen_time(anchor.tsr)
    section = anchor_section(dossier.html(case, EXPORTER, T0))
    assert f"第 {anchor.id} 号锚点" in section and anchor.root in section
    assert format_local(anchor.created_at, "yyyy-MM-dd HH:mm:ss") in section
    assert format_local(covering.stamped_at, "yyyy-MM-dd HH:mm:ss") in section
    assert f"第 1 至 {anchored_seq} 号事件" in section
    assert "尚未锚定的事件" in section
    rows = re.findall(r"<tr><td>(\d+)</td>", section)
    assert rows == [str(later.seq)]                          # only the event after the anchor is named


def test_a_dossier_of_a_case_no_anchor_covers_says_so_and_names_its_events_as_not_anchored(
        session, personas, refused):
    anchors.take()                                           # taken before the case existed: it does not cover it
    case = make_case("review", order=refused)
    assert anchors.covering("case", case.id) is None
    section = anchor_section(dossier.html(case, EXPORTER, T0))
    assert "尚无锚点覆盖本案" in section and "号锚点" not in section
    rows = re.findall(r"<tr><td>(\d+)</td>", section)
    assert rows == [str(e.seq) for e in events_of("case", case.id)]


def test_an_anchor_not_stamped_yet_is_shown_as_such(session, personas, refused):
    case = make_case("review", order=refused)
    anchors.take()                                           # no authority configured: not stamped
    section = anchor_section(dossier.html(case, EXPORTER, T0))
    assert "号锚点" in section and "尚未取得时间戳" in section


def test_the_covering_anchor_is_found_in_leaves_not_written_compactly_too(session, personas, refused):
    case = make_case("review", order=refused)
    anchor = anchors.take()
    leaves = anchors.leaves_of(anchor)
    session.execute(sa.update(Anchor).where(Anchor.id == anchor.id)
                    .values(leaves=zlib.compress(json.dumps(leaves).encode())))   # ", " between items
    session.expire_all()
    anchors._leaves_text.cache_clear()          # an anchor of the same id and root may be cached from another test
    found = anchors.covering("case", case.id)
    assert found is not None and found.seq == len(events_of("case", case.id)) and found.stamped_at is None
