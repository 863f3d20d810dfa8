"""Forms of the municipality's oversight pages and the inspection pages (Flask-WTF, CSRF).
Fields only: the rules live in stopheling.dealers.oversight and .inspection."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

REQUIRED = _("Vul dit in.")
TOO_SHORT = _("Geef minstens 3 tekens.")
TOO_LONG = _("Dat is te lang.")


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def choices(pairs: list[tuple[str, object]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]  # type: ignore[arg-type]


REASON_HINT = _(
    "Bijvoorbeeld het zaaknummer of de controleopdracht. Dit komt in het auditlog, "
    "dat de gemeente kan inzien."
)


class RegisterSettingsForm(FlaskForm):
    hold_period = IntegerField(
        _("Bewaartermijn voor verkoop"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(0, 60, _("Kies een termijn van 0 tot en met 60.")),
        ],
    )
    hold_unit = SelectField(
        _("Eenheid"), choices=choices([("days", _("dagen")), ("working_days", _("werkdagen"))])
    )
    sales_register_required = BooleanField(_("Handelaren houden ook een verkoopregister bij"))
    id_required_for_all_sellers = BooleanField(
        _(
            "Identiteitsbewijs van elke verkoper vastleggen (anders alleen bij metalen die "
            "contant worden betaald)"
        )
    )
    photo_required_without_number = BooleanField(
        _("Foto verplicht van goederen zonder uniek nummer (zoals sieraden)")
    )


class SuspendForm(FlaskForm):
    note = TextAreaField(
        _("Reden van de schorsing"),
        validators=[InputRequired(REQUIRED), Length(max=2000, message=TOO_LONG)],
    )


class GrantForm(FlaskForm):
    domain = StringField(
        _("Domein van de boa"), validators=[Optional(), Length(max=60, message=TOO_LONG)]
    )
    basis = StringField(
        _("Akte of aanwijzing die art. 437 Sr dekt"),
        validators=[InputRequired(REQUIRED), Length(max=1000, message=TOO_LONG)],
    )


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter: it changes nothing

    since = DateField(_("Vanaf"), validators=[Optional()])
    until = DateField(_("Tot en met"), validators=[Optional()])
    officer = SelectField(_("Medewerker"), choices=[], validate_choice=False)


class SearchForm(FlaskForm):
    by = SelectField(
        _("Zoeken op"),
        choices=choices(
            [
                ("identifier", _("Nummer van het goed (serienummer, IMEI, framenummer, kenteken)")),
                ("id_document", _("Nummer van het identiteitsbewijs van de verkoper")),
            ]
        ),
    )
    query = StringField(
        _("Nummer"),
        filters=[strip],
        validators=[InputRequired(REQUIRED), Length(max=100, message=TOO_LONG)],
    )
    reason = StringField(
        _("Reden of zaaknummer"),
        description=REASON_HINT,
        filters=[strip],
        validators=[
            InputRequired(REQUIRED),
            Length(min=3, message=TOO_SHORT),
            Length(max=200, message=TOO_LONG),
        ],
    )


class RevealForm(FlaskForm):
    reason = StringField(
        _("Reden of zaaknummer"),
        description=REASON_HINT,
        filters=[strip],
        validators=[
            InputRequired(REQUIRED),
            Length(min=3, message=TOO_SHORT),
            Length(max=200, message=TOO_LONG),
        ],
    )
