"""Order forms: cancellation, receipt, after-sales, merchant answers, locks, refund outcomes."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from arbitration.forms import choices
from arbitration.orders.messages import (AFTER_SALES_PROBLEMS_CHOICES, CANCEL_REASON_LABELS, FAULT_LABELS,
                                         GROUND_LABELS, RESPONSE_LABELS, UNLOCK_METHODS)
from arbitration.orders.rules import AFTER_SALES_RESPONSES, DELIVERED_RESPONSES

TEXT = 2000


class CancelForm(FlaskForm):
    reason = RadioField(_l("Reason"), choices=choices(CANCEL_REASON_LABELS.items()), validate_choice=False)
    reason_text = TextAreaField(_l("If “other”: the specific reason"), validators=[Length(max=500)])
    ground = RadioField(_l("Ground"), choices=choices(GROUND_LABELS.items()), validate_choice=False)
    description = TextAreaField(_l("What happened"), validators=[Length(max=TEXT)])


class ConfirmForm(FlaskForm):
    goods_checked = BooleanField(_l("I have checked the goods: the card code works / the account was topped up."))


class AfterSalesForm(FlaskForm):
    problem = RadioField(_l("Problem"), choices=choices(AFTER_SALES_PROBLEMS_CHOICES), validate_choice=False)
    description = TextAreaField(_l("What happened"), validators=[Length(max=TEXT)])


class PlatformFaultForm(FlaskForm):
    fault = RadioField(_l("Fault"), choices=choices(FAULT_LABELS.items()), validate_choice=False)
    description = TextAreaField(_l("What happened"), validators=[Length(max=TEXT)])


class VerifyReissueForm(FlaskForm):
    works = HiddenField(validators=[DataRequired()])
    note = TextAreaField(_l("What is still wrong"), validators=[Length(max=TEXT)])


class ReviewForm(FlaskForm):
    """Paid order: approve or reject (with a reason)."""
    decision = RadioField(_l("Decision"), choices=choices([("approve", RESPONSE_LABELS["approve"]),
                                                          ("reject", RESPONSE_LABELS["reject"])]),
                          validate_choice=False)
    text = TextAreaField(_l("Reason (required when rejecting)"), validators=[Length(max=TEXT)])


def positive_money(form, field):
    if field.data is None or not field.data.is_finite() or field.fen() is None:
        raise ValidationError(_l("Enter the amount in yuan, with at most two decimals, e.g. 12.50."))
    if field.data <= 0:
        raise ValidationError(_l("The amount must be more than zero."))


class AmountField(DecimalField):
    """Yuan with at most two decimals, turned into whole fen."""

    def process_formdata(self, valuelist):
        """Anything that is not a number leaves no value (and no English message of WTForms'): positive_money says
        what to enter, once, in the user's language."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None

    def fen(self) -> int | None:
        """Whole fen, or None for anything else (fractions of a fen, infinities, absurd sizes)."""
        if self.data is None or not self.data.is_finite() or abs(self.data) > 10**9:
            return None
        value = self.data * 100
        return int(value) if value == value.to_integral_value() else None


class RespondForm(FlaskForm):
    response = RadioField(_l("Answer"), validate_choice=False)
    amount = AmountField(_l("Amount (yuan)"), places=2, validators=[Optional(), positive_money])
    codes = TextAreaField(_l("New card codes, one per line"), validators=[Length(max=TEXT)])
    text = TextAreaField(_l("Message to the buyer (a refusal needs a reason)"), validators=[Length(max=TEXT)])

    def for_kind(self, delivered_cancellation: bool):
        options = DELIVERED_RESPONSES if delivered_cancellation else AFTER_SALES_RESPONSES
        self.response.choices = choices((o, RESPONSE_LABELS[o]) for o in options)
        return self


class LockForm(FlaskForm):
    """Locking needs no input: the button and its CSRF token."""


class UnlockForm(FlaskForm):
    # no method preselected: support says how they checked, on purpose (it is recorded)
    method = SelectField(_l("How the identity was verified"),
                         choices=choices([("", _l("— choose —")), *UNLOCK_METHODS.items()]), validate_choice=False)
    note = TextAreaField(_l("What was checked"), validators=[Length(max=500)])


class RefundOutcomeForm(FlaskForm):
    reason = TextAreaField(_l("Why it failed"), validators=[Length(max=200)])
