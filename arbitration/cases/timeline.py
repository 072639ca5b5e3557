"""A case's event log in words: when, who (by role), what. The case page, the ruling PDF and the dossier
show the same lines."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_pgettext

from arbitration.audit import events as event_types
from arbitration.auth.labels import ROLE_LABELS
from arbitration.cases import messages  # noqa: F401  (declares the case's event types)


@dataclass(frozen=True)
class Line:
    at: dt.datetime
    actor: str
    what: str
    action: str


# the timeline is read by the parties (the case page, the ruling document): the one who decides is the platform's
# 争议处理专员, not 仲裁员 (a statutory office of an arbitration commission); English keeps the role's name
TO_THE_PARTIES = {"arbitrator": lazy_pgettext("to the parties", "Arbitrator"),
                  "supervisor": lazy_pgettext("to the parties", "Supervisor")}


def actor_label(role: str) -> str:
    if role == "system":
        return _("Platform")
    return str(TO_THE_PARTIES.get(role) or ROLE_LABELS.get(role, role))


# what the parties never see in a case's history: that its staff wrote an internal note
INTERNAL = frozenset({"case.note_added"})


def lines(events, internal: bool = False) -> list[Line]:
    """Each event as its description where its type has one (the file's name of "evidence was added"), else its
    label; the internal ones only for the case's staff (`internal`)."""
    return [Line(e.created_at, actor_label(e.actor_role), str(event_types.sentence(e.action, lambda e=e: e.data)),
                 e.action) for e in events if internal or e.action not in INTERNAL]
