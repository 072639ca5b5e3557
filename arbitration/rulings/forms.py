"""The ruling form and the verification upload."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from arbitration.forms import choices
from arbitration.orders.forms import AmountField, positive_money
from arbitration.rulings.messages import DECISION_LABELS, FINDING_LABELS


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RulingForm(FlaskForm):
    facts_found = TextAreaField(_l("Facts found"), validators=[Length(max=20000)])
    found_tags = CheckboxesField(_l("Findings (they shape the suggested provisions)"),
                                 choices=choices(FINDING_LABELS.items()), validate_choice=False)
    decision = RadioField(_l("Decision on the claim"), choices=choices(DECISION_LABELS.items()),
                          validate_choice=False)
    full_refund = BooleanField(_l("Full refund of what is still refundable"))
    partial_refund = AmountField(_l("Partial refund (yuan)"), places=2, validators=[Optional(), positive_money])
    reissue = BooleanField(_l("Reissue the goods"))
    void_fee = BooleanField(_l("Void the cancellation fee"))
    compensation = AmountField(_l("Compensation (yuan)"), places=2, validators=[Optional(), positive_money])
    reasoning = TextAreaField(_l("Reasoning"), validators=[Length(max=20000)])
    citations = CheckboxesField(_l("Provisions cited"), validate_choice=False)
    other_citations = StringField(_l("Other provisions, by code (e.g. CC-563, CRPL-55)"),
                                  validators=[Length(max=500)])


class VerifyForm(FlaskForm):
    file = FileField(_l("The PDF file"))


class ReviewNoteForm(FlaskForm):
    """A supervisor's approval (a note is optional) or return (a note is required)."""
    note = TextAreaField(_l("Note to the arbitrator"), validators=[Length(max=5000)])


class FourEyesForm(FlaskForm):
    amount_over = AmountField(_l("Send drafts where the amount at stake is over (yuan; empty: never)"), places=2,
                              validators=[Optional(), positive_money])
    in_training = BooleanField(_l("Send drafts of arbitrators in training"))
    reversal = BooleanField(_l("Send reconsiderations that reverse the first ruling"))
    trainees = CheckboxesField(_l("Arbitrators in training"), coerce=int, validate_choice=False)
