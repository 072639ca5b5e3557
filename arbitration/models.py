"""Imports every feature's tables so the metadata (and Alembic) sees them all."""
from arbitration.audit.models import Anchor, ChainHead, Event  # noqa: F401
from arbitration.auth.models import LoginAttempt, User  # noqa: F401
from arbitration.calendar.models import CalendarDay, CalendarYear  # noqa: F401
from arbitration.deadlines.models import Deadline  # noqa: F401
from arbitration.merchants.models import FeeSchedule, Merchant  # noqa: F401
from arbitration.orders.models import Escalation, Order, OrderRequest, Refund  # noqa: F401
from arbitration.evidence.models import Evidence  # noqa: F401
from arbitration.cases.models import (ArbitratorConflict, Case, CaseMessage, CaseNote, CaseNumberCounter,  # noqa: F401
                                      RemedyTask)
from arbitration.law.models import Provision  # noqa: F401
from arbitration.rulings.models import (ArbitratorInTraining, FourEyesRule, Ruling, RulingCitation,  # noqa: F401
                                        RulingDraft)
from arbitration.notifications.models import Notification  # noqa: F401
from arbitration.oversight.models import Export  # noqa: F401
from arbitration.api.models import ApiClient  # noqa: F401
from arbitration.jobs.models import OutboxJob  # noqa: F401
from arbitration.search.models import EvidenceText, SearchDocument  # noqa: F401
from arbitration.precedents.models import PrecedentDeparture, RetrievalReport  # noqa: F401
from arbitration.library.models import PublicationHold, PublicDecision  # noqa: F401
