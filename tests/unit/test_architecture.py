"""The layers hold: imports are made at module level (so import-linter sees every one), except where written."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "arbitration"
# composition roots: they import every feature, late, on purpose
ROOTS = {"__init__.py", "cli.py"}
# module, function -> why it imports inside the function (docs/DECISIONS.md, "Layers")
WRITTEN_EXCEPTIONS = {
    ("pdf_render.py", "html_to_pdf"): "WeasyPrint loads only in processes that render, after pdf_fonts.use()",
    ("storage/__init__.py", "open_store"): "boto3 loads only on sites that store in S3",
    ("search/ocr.py", "_ocr"): "ONNX Runtime and OpenCV load only in the consumers that read screenshots",
}


def imports_inside_functions() -> set[tuple[str, str]]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        name = path.relative_to(PACKAGE).as_posix()
        if name in ROOTS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if any(isinstance(inner, (ast.Import, ast.ImportFrom)) for inner in ast.walk(node)):
                    found.add((name, node.name))
    return found


def test_imports_inside_functions_are_only_the_written_exceptions():
    assert imports_inside_functions() == set(WRITTEN_EXCEPTIONS)


def test_the_written_exceptions_are_written_down_in_the_decisions():
    decisions = (PACKAGE.parent / "docs" / "DECISIONS.md").read_text(encoding="utf-8")
    for module, function in WRITTEN_EXCEPTIONS:
        assert f"{module}` `{function}" in decisions, (module, function)
