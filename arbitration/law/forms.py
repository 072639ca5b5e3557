"""Law library forms (admins)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional


class ProvisionForm(FlaskForm):
    code = StringField(_l("Code (e.g. CRPL-26)"), validators=[Length(max=30)])
    law = StringField(_l("Law (Chinese name)"), validators=[Length(max=120)])
    law_en = StringField(_l("Law (English name)"), validators=[Length(max=200)])
    article = StringField(_l("Article (e.g. 第二十六条)"), validators=[Length(max=40)])
    paragraph = IntegerField(_l("Paragraph (款), when only one is quoted"),
                             validators=[Optional(), NumberRange(min=1, max=99)])
    effective = DateField(_l("Effective date of this text"), validators=[Optional()])
    text_zh = TextAreaField(_l("Verbatim text (Chinese)"), validators=[Length(max=20000)])
    gloss_en = TextAreaField(_l("Gloss (English)"), validators=[Length(max=5000)])
    applies_when = StringField(_l("Fact tags, separated by commas (e.g. hidden_fee, fraud)"),
                               validators=[Length(max=500)])
    source = StringField(_l("Source of the text"), validators=[Length(max=2000)])


class AmendForm(FlaskForm):
    text_zh = TextAreaField(_l("New verbatim text (Chinese)"), validators=[Length(max=20000)])
    effective = DateField(_l("Effective date of the new text"), validators=[Optional()])
    gloss_en = TextAreaField(_l("Gloss (English)"), validators=[Length(max=5000)])
    change_note = StringField(_l("What changed, and the source of the new text"), validators=[Length(max=500)])


class RetireForm(FlaskForm):
    reason = StringField(_l("Why the provision is retired"), validators=[Length(max=500)])
