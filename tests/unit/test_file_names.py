"""The names files are downloaded and archived under: the stem the uploader chose, the extension of the type the
bytes were judged to be; one folder or file name that never leaves its folder, whatever it is given."""
from __future__ import annotations

import pytest

from arbitration.evidence.sniff import ContentInspector, Empty, download_name, safe_segment


@pytest.mark.parametrize("shown, extension, downloaded", [
    ("聊天记录.js", "txt", "聊天记录.txt"),
    ("run.bat", "txt", "run.txt"),
    ("setup.ps1", "csv", "setup.csv"),
    ("截图.png.exe", "png", "截图.png"),         # the inner extension names the sniffed type: not 截图.png.png
    ("截图.png.exe", "txt", "截图.png.txt"),     # it does not: it stays part of the stem, the last word is txt
    ("evil.exe", "png", "evil.png"),
    ("付款.jpeg", "jpg", "付款.jpg"),             # another name of the same type gives the type's own
    ("客服对话.log", "txt", "客服对话.txt"),
    ("录屏", "mp4", "录屏.mp4"),                  # no extension at all
    ("合同 v1.2", "pdf", "合同 v1.2.pdf"),        # "2" is no extension: kept in the stem
    ("截图.png", "png", "截图.png"),              # an honest name is unchanged
    ("a..exe", "png", "a.png"),
    ("../../x.sh", "txt", "x.txt"),
    ("CON.txt", "txt", "_CON.txt"),
    ("名单.csv", "sh", "名单.bin"),               # a damaged row's extension is never served
])
def test_a_download_carries_the_sniffed_types_extension_never_the_uploaders(shown, extension, downloaded):
    assert download_name(shown, extension) == downloaded


@pytest.mark.parametrize("name, made", [
    ("../../x.sh", "_.._x.sh"),
    ("..\\..\\x.sh", "_.._x.sh"),
    ("/etc/passwd", "_etc_passwd"),
    ("C:\\Windows\\x", "C__Windows_x"),
    ("a\x00b\x1b.txt", "ab.txt"),
    ("..", "file"),
    ("", "file"),
    ("NUL", "_NUL"),
    ("com1.txt", "_com1.txt"),
    ("14-截图.png", "14-截图.png"),
])
def test_a_segment_never_climbs_out_of_its_folder(name, made):
    assert safe_segment(name) == made


def test_an_empty_file_is_told_apart_from_a_refused_type():
    inspector = ContentInspector()
    with pytest.raises(Empty):
        inspector.finish()
