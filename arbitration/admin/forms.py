"""Admin forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

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
