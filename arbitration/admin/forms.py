"""Admin forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DecimalField, EmailField, IntegerField, PasswordField, SelectField,
                     StringField, TextAreaField)
from wtforms.validators import (DataRequired, Email, InputRequired, Length, NumberRange, Optional, Regexp,
                                ValidationError)

from arbitration.auth.labels import ROLE_LABELS
from arbitration.forms import choices


class UserForm(FlaskForm):
    username = StringField(_l("User name"), validators=[
        DataRequired(_l("Enter a user name.")), Length(min=3, max=40),
        Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Use letters, digits, dot, dash and underscore only."))])
    display_name = StringField(_l("Display name"), validators=[DataRequired(_l("Enter a display name.")),
                                                               Length(max=80)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(_l("Enter a valid e-mail address.")),
                                                 Length(max=200)])
    role = SelectField(_l("Role"), choices=choices((r.value, label) for r, label in ROLE_LABELS.items()),
                       validators=[DataRequired()])
    merchant_id = SelectField(_l("Merchant (merchant staff only)"), coerce=int, validate_choice=True)
    password = PasswordField(_l("Password"), validators=[Length(max=200)])
    active = BooleanField(_l("Active"), default=True)


class CalendarDayForm(FlaskForm):
    day = DateField(_l("Date"), validators=[DataRequired(_l("Enter a date (YYYY-MM-DD)."))])
    kind = SelectField(_l("Kind"), choices=choices([("holiday", _l("Public holiday (day off)")),
                                                    ("workday", _l("Make-up working day (调休)"))]))
    name = StringField(_l("Name"), validators=[Length(max=100)])


class CalendarYearForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[DataRequired(_l("Enter a year.")),
                                                NumberRange(2000, 2100, _l("Enter a year between 2000 and 2100."))])


class CalendarRemoveForm(FlaskForm):
    day = DateField(validators=[DataRequired()])


class ConflictForm(FlaskForm):
    arbitrator_id = SelectField(_l("Arbitrator"), coerce=int, validate_choice=False)
    merchant_id = SelectField(_l("Merchant"), coerce=int, validate_choice=False)
    reason = StringField(_l("What ties them"), validators=[Length(max=500)])


class ApiClientForm(FlaskForm):
    name = StringField(_l("Client name (e.g. the 卡盟 site)"), validators=[Length(max=80)])


class WebhookForm(FlaskForm):
    webhook_url = StringField(_l("Webhook address (https://…; empty: no webhooks)"), validators=[Length(max=500)])
    rate_limit = IntegerField(_l("Requests a minute (empty: the default)"), validators=[
        Optional(), NumberRange(min=1, max=100000, message=_l("The rate limit is 1 to 100000 requests a minute."))])


class PolicyForm(FlaskForm):
    payment_window_minutes = IntegerField(_l("Payment window (minutes)"), validators=[InputRequired(),
                                                                                      NumberRange(1, 24 * 60)])
    review_target_minutes = IntegerField(_l("Cancellation review target (minutes)"),
                                         validators=[InputRequired(), NumberRange(1, 7 * 24 * 60)])
    review_limit_minutes = IntegerField(_l("Cancellation review limit (minutes)"),
                                        validators=[InputRequired(), NumberRange(1, 7 * 24 * 60)])
    after_sales_response_hours = IntegerField(_l("After-sales response window (hours)"),
                                              validators=[InputRequired(), NumberRange(1, 30 * 24)])
    reissue_verify_hours = IntegerField(_l("Reissue check window (hours)"), validators=[InputRequired(),
                                                                                        NumberRange(1, 30 * 24)])
    auto_confirm_hours = IntegerField(_l("Automatic confirmation after delivery (hours)"),
                                      validators=[InputRequired(), NumberRange(1, 30 * 24)])
    delivery_promise_hours = IntegerField(_l("Promised delivery after payment (hours)"),
                                          validators=[InputRequired(), NumberRange(1, 30 * 24)])


def _finite_percent(form, field):
    if field.data is None or not field.data.is_finite() or not 0 <= field.data <= 100:
        raise ValidationError(_l("Enter a percentage between 0 and 100."))
    if field.data * 100 != (field.data * 100).to_integral_value():
        raise ValidationError(_l("At most two decimals: the smallest step is 0.01 percent."))


class FeeScheduleForm(FlaskForm):
    paid_rate = DecimalField(_l("Fee for cancelling a paid order (%)"), validators=[InputRequired(), _finite_percent])
    delivered_rate = DecimalField(_l("Fee for cancelling a delivered order (%)"),
                                  validators=[InputRequired(), _finite_percent])
    note = TextAreaField(_l("Text shown to buyers before they pay"), validators=[Length(max=500)])
