"""The fonts of PDF documents: each document's Chinese font must resolve through fontconfig to the installed file
before rendering and be embedded in the PDF after; a missing font package is named (no Flask, no database)."""
from __future__ import annotations

import logging

import pytest

from arbitration import pdf_fonts, pdf_render

CHINESE = "<p style=\"font-family: '{font}'\">争议处理决定书 <b>处理决定</b></p>"


def hiding_fontconfig(tmp_path) -> str:
    """A fontconfig that sees DejaVu only, as on a host without the Chinese font packages."""
    path = tmp_path / "no-cjk.conf"
    path.write_text(pdf_fonts.config_text([pdf_fonts.DEJAVU], tmp_path / "cache"))
    return str(path)


def test_the_documents_fonts_resolve_to_the_installed_files():
    for document in ("ruling", "dossier"):
        pdf_fonts.require(document)


def test_a_fontconfig_that_hides_the_chinese_fonts_is_refused_naming_the_package(tmp_path, monkeypatch):
    monkeypatch.setenv("FONTCONFIG_FILE", hiding_fontconfig(tmp_path))
    with pytest.raises(pdf_fonts.FontsMissing, match="fonts-noto-cjk"):
        pdf_fonts.require("ruling")
    with pytest.raises(pdf_fonts.FontsMissing, match="fonts-wqy-microhei"):
        pdf_fonts.require("dossier")


def test_a_font_file_that_is_not_installed_is_refused_naming_the_package(monkeypatch):
    gone = pdf_fonts.DocumentFont("Noto Serif CJK SC", "/nonexistent/NotoSerifCJK-Regular.ttc", "fonts-noto-cjk",
                                  "Noto-Serif-CJK-SC")
    monkeypatch.setitem(pdf_fonts.DOCUMENT_FONTS, "ruling", gone)
    with pytest.raises(pdf_fonts.FontsMissing, match="not installed.*fonts-noto-cjk"):
        pdf_fonts.require("ruling")


def test_starting_without_the_font_packages_says_which_to_install(tmp_path, monkeypatch, caplog):
    installed = pdf_fonts.os.path.isdir
    monkeypatch.setattr(pdf_fonts.os.path, "isdir", lambda f: f not in (pdf_fonts.NOTO, pdf_fonts.WQY)
                        and installed(f))
    with caplog.at_level(logging.ERROR, logger="arbitration.pdf_fonts"):
        assert pdf_fonts.use("app", tmp_path) is None
    assert "fonts-noto-cjk fonts-wqy-microhei" in caplog.text and "refused" in caplog.text


def test_a_pdf_set_in_the_documents_font_passes_the_embedded_font_check():
    pdf = pdf_render.html_to_pdf(CHINESE.format(font="Noto Serif CJK SC"), document="ruling")
    assert {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold"} <= pdf_render.embedded_fonts(pdf)


def test_a_pdf_without_the_documents_chinese_font_fails_the_embedded_font_check():
    tofu = pdf_render.html_to_pdf("<p style=\"font-family: 'DejaVu Sans'\">ARB-2026-000001-1</p>")
    assert pdf_render.embedded_fonts(tofu) == {"DejaVu-Sans"}
    with pytest.raises(pdf_fonts.FontsMissing, match="does not embed Noto-Serif-CJK-SC.*DejaVu-Sans"):
        pdf_render.check_fonts(tofu, "ruling")
    with pytest.raises(pdf_fonts.FontsMissing, match="does not embed WenQuanYi-Micro-Hei"):
        pdf_render.check_fonts(tofu, "dossier")
