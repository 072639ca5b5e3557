"""Every event the code can record has a label in both languages, and messages travel as data to the edge."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from arbitration.api.errors import from_domain
from arbitration.audit import events
from arbitration.audit.services import record_event
from arbitration.cases.workflow import Action as CaseAction
from arbitration.errors import Conflict, InvalidInput
from arbitration.orders import refunds
from arbitration.orders.messages import REFUND_STATE_LABELS
from arbitration.orders.rules import Action as OrderAction

PACKAGE = Path(__file__).resolve().parents[2] / "arbitration"
# the actions recorded with a name built at run time: the whole family each f-string can produce
FAMILIES = {
    "case.{action.value}": [f"case.{a.value}" for a in CaseAction],
    "order.{action.value}": [f"order.{a.value}" for a in OrderAction],
    "order.refund_{outcome}": [f"order.refund_{outcome}" for outcome in refunds.OUTCOMES],
}


def _spread(module: ast.Module, starred: ast.Starred) -> ast.expr:
    """The action of `record_event(*helper(...))`: the fourth item of the tuple the module's helper returns."""
    name = starred.value.func.id
    helper = next(n for n in module.body if isinstance(n, ast.FunctionDef) and n.name == name)
    returned = next(n.value for n in ast.walk(helper) if isinstance(n, ast.Return))
    return returned.elts[3]


def recordable_actions() -> set[str]:
    """Every action passed to record_event anywhere in the code: string constants, and f-string families."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        module = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(module):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None))
                    == "record_event"):
                continue
            action = _spread(module, node.args[0]) if isinstance(node.args[0], ast.Starred) else node.args[3]
            if isinstance(action, ast.Constant):
                found.add(action.value)
            else:
                pattern = ast.unparse(action)[2:-1]        # f'case.{action.value}' -> case.{action.value}
                assert pattern in FAMILIES, f"{path.name}:{node.lineno}: a new family of event names: {pattern}"
                found |= set(FAMILIES[pattern])
    return found


def test_every_event_the_code_can_record_is_declared_with_a_label_in_chinese_and_english(app):
    actions = recordable_actions()
    assert len(actions) > 60
    undeclared = sorted(a for a in actions if not events.is_declared(a))
    assert undeclared == []
    with app.app_context():
        for action in actions:
            with force_locale("zh"):
                zh = str(events.label(action))
            with force_locale("en"):
                en = str(events.label(action))
            assert zh and en and zh != en, action
            assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), (action, zh)


def test_recording_an_undeclared_event_type_is_refused(session):
    with pytest.raises(LookupError, match="not declared"):
        record_event("case", 1, None, "case.something_new", {})


def test_a_domain_error_refuses_a_message_translated_already():
    with pytest.raises(TypeError, match="lazy"):
        InvalidInput("金额必须大于零", field="amount")


def test_a_domain_error_renders_in_each_language_with_its_parameters_at_the_edge(app):
    err = Conflict(_l("This refund was already recorded as %(state)s.", state=REFUND_STATE_LABELS["done"]))
    with app.app_context():
        assert err.in_locale("en") == "This refund was already recorded as arrived."
        zh = err.in_locale("zh")
        assert zh != err.in_locale("en") and "已到账" in zh
        body = from_domain(err).body()["error"]
    assert body["code"] == "conflict" and body["message"] == {"zh": zh, "en": err.in_locale("en")}
