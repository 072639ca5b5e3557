"""Templates translate through the translations bound once per render (arbitration.i18n.bind_translations): the same
words as Flask-Babel's own callables, in the request's language, in the forced one inside force_locale, escaped and
formatted as Jinja's new-style gettext; the header's unread count is kept a few seconds and cleared by the inbox."""
from __future__ import annotations

import re

from flask import render_template_string
from flask_babel import force_locale

from arbitration.notifications.services import notify
from tests.conftest import login

TEMPLATE = ('{{ _("Log in") }}|{{ gettext("Case %(number)s", number="<b>") }}|'
            '{% trans %}Log in{% endtrans %}|{{ ngettext("%(num)d file", "%(num)d files", 2) }}')


def test_a_page_says_the_same_words_through_the_bound_translations_in_both_languages(app):
    with app.test_request_context("/"):
        zh = render_template_string(TEMPLATE)
        env = app.jinja_env       # Flask-Babel's callables, as installed on the environment
        plain = env.from_string(TEMPLATE).render()
        with force_locale("en"):
            en = render_template_string(TEMPLATE)
    assert zh == plain
    assert zh.startswith("登录|") and "&lt;b&gt;" in zh and "<b>" not in zh
    assert en.startswith("Log in|Case &lt;b&gt;|Log in|")


def _badge(client) -> int:
    found = re.search(r'count-badge">(\d+)', client.get("/").get_data(as_text=True))
    return int(found.group(1)) if found else 0


def test_the_unread_badge_is_kept_briefly_and_the_inbox_clears_it(client, session, personas):
    login(client, "buyer")
    before = _badge(client)
    notify([personas["buyer"]], "reminder",
           {"kind": "payment_window", "subject_type": "order", "subject_id": "1", "due": "2026-01-01 00:00"})
    session.commit()
    assert _badge(client) == before             # within the few seconds the count is kept
    client.get("/notifications")
    assert _badge(client) == before + 1
