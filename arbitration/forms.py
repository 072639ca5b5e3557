"""Small helpers shared by the feature forms."""
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class PlainForm(FlaskForm):
    """A button that only needs its CSRF token (accept a claim, withdraw, cancel an export, remove...)."""
