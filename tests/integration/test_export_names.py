"""Regulators' exports and dossiers name evidence files with the sniffed type's extension, and the ZIP writer makes
every member name safe itself: whatever a row holds, no file climbs out of its case's folder."""
from __future__ import annotations

import io
import zipfile

from pypdf import PdfReader

from arbitration.cases import filters
from arbitration.cases import services as cases
from arbitration.evidence import services as evidence
from arbitration.oversight import dossier, exports
from tests.conftest import T0
from tests.factories import make_case
from tests.files import png

CHAT = "买家：卡密无效\n商家：请稍等\n".encode()


def test_zip_members_carry_the_sniffed_extension_and_never_leave_their_folder(session, personas):
    case = make_case()
    subject = cases.evidence_subject(case)

    def add(name, content, kind="chat_log"):
        return evidence.add_file(personas["buyer"], subject, filename=name, chunks=[content], kind=kind)

    chat, shot = add("聊天记录.js", CHAT), add("evil.exe", png(), "screenshot")
    expected = {chat.id: "聊天记录.txt", shot.id: "evil.png"}
    # each file its own bytes: a case takes the same file once
    held_names = [("../../x.sh", CHAT + b"1", "x.txt"), ("..\\..\\y.bat", CHAT + b"2", "y.txt"),
                  ("/etc/cron.d/z", CHAT + b"3", "z.txt"), ("CON", CHAT + b"4", "_CON.txt")]
    if session.get_bind().dialect.name != "postgresql":     # PostgreSQL text cannot hold a NUL at all
        held_names.append(("n\x00ul.png.exe", png(5, 5), "_nul.png"))
    for held, content, shown in held_names:
        row = add("证据.png" if content.startswith(b"\x89PNG") else "证据.txt", content)
        row.display_name = held                  # what a damaged or hostile database could hold
        expected[row.id] = shown
    session.flush()
    export = exports.request_export(personas["regulator"], filters.CaseFilter(), with_evidence=True, enqueue=False)
    export = exports.build(export.id, processes=1)
    assert export.state == "done", export.error
    with evidence.store().open_read(export.zip_key) as fh:
        zf = zipfile.ZipFile(io.BytesIO(fh.read()))
    folder = f"evidence/{case.number}/"
    members = sorted(n for n in zf.namelist() if n.startswith("evidence/"))
    assert members == sorted(f"{folder}{file_id}-{shown}" for file_id, shown in expected.items())
    for name in members:
        rest = name[len(folder):]
        assert not set("/\\\x00:") & set(rest) and ".." not in rest
    assert zf.read(f"{folder}{shot.id}-evil.png") == png()


def test_a_member_name_made_of_hostile_parts_stays_in_its_folder():
    assert exports.member("evidence", "ARB-2026-000001", "../../x.sh") == "evidence/ARB-2026-000001/_.._x.sh"
    assert exports.member("evidence", "..", "/abs") == "evidence/file/_abs"
    assert exports.member("evidence", "C:\\", "NUL") == "evidence/C__/_NUL"


def test_files_attached_inside_a_dossier_carry_the_sniffed_extension(session, personas):
    case = make_case()
    evidence.add_file(personas["buyer"], cases.evidence_subject(case), filename="聊天记录.js", chunks=[CHAT],
                      kind="chat_log")
    data = dossier.render(case, dossier.Exporter("王监管", "监管人员"), T0, attach_evidence=True)
    names = PdfReader(io.BytesIO(data)).attachments       # (pypdf lists the name of /F and of /UF)
    assert names["聊天记录.txt"] == [CHAT] and not any(name.endswith(".js") for name in names)
