"""Case forms: opening, the merchant's answers, the buyer's answer to an offer."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import Length, Optional

from arbitration.cases.messages import CATEGORY_LABELS, REMEDY_LABELS
from arbitration.forms import PlainForm, choices  # noqa: F401  (PlainForm: the case pages' buttons)
from arbitration.orders.forms import AmountField, positive_money


class OpenCaseForm(FlaskForm):
    category = SelectField(_l("What the dispute is about"), choices=choices(CATEGORY_LABELS.items()),
                           validate_choice=False)
    remedy = RadioField(_l("What you ask for"), choices=choices(REMEDY_LABELS.items()), validate_choice=False)
    amount = AmountField(_l("Amount (yuan), for a partial refund or compensation"), places=2,
                         validators=[Optional(), positive_money])
    statement = TextAreaField(_l("Your statement: what happened and why the platform should step in"),
                              validators=[Length(max=5000)])


class OfferForm(FlaskForm):
    remedy = RadioField(_l("Offer"), choices=choices((k, REMEDY_LABELS[k]) for k in
                                                     ("partial_refund", "reissue", "compensation")),
                        validate_choice=False)
    amount = AmountField(_l("Amount (yuan)"), places=2, validators=[Optional(), positive_money],
                         render_kw={"inputmode": "decimal"})
    text = TextAreaField(_l("Message to the buyer"), validators=[Length(max=2000)], render_kw={"rows": 2})


class RefuseForm(FlaskForm):
    reason = TextAreaField(_l("Why you refuse"), validators=[Length(max=2000)], render_kw={"rows": 2})


class MessageForm(FlaskForm):
    """A message to everyone on the case (both parties and the dispute handler read it)."""
    body = TextAreaField(_l("Message"), validators=[Length(max=2000)], render_kw={"rows": 3})
    evidence_id = SelectField(_l("About the file (optional)"), coerce=int, validate_choice=False, default=0)


class NoteForm(FlaskForm):
    """An internal note: the parties never see it."""
    body = TextAreaField(_l("Internal note (never shown to the parties)"), validators=[Length(max=2000)],
                         render_kw={"rows": 2})


class SupplementaryForm(FlaskForm):
    party = RadioField(_l("Ask"), choices=choices([("buyer", _l("The buyer")), ("merchant", _l("The merchant"))]),
                       validate_choice=False)
    note = TextAreaField(_l("What evidence is needed"), validators=[Length(max=2000)], render_kw={"rows": 2})


class ExtendForm(FlaskForm):
    hours = IntegerField(_l("Extend by (hours)"), validators=[Optional()], render_kw={"inputmode": "numeric"})
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)], render_kw={"rows": 2})


class ReassignForm(FlaskForm):
    arbitrator_id = SelectField(_l("Arbitrator"), coerce=int, validate_choice=False)
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)], render_kw={"rows": 2})


class ReconsiderationForm(FlaskForm):
    new_facts = TextAreaField(_l("The new facts"), validators=[Length(max=5000)], render_kw={"rows": 3})


class TaskForm(FlaskForm):
    note = TextAreaField(_l("What was done"), validators=[Length(max=1000)], render_kw={"rows": 2})
