"""The vault's and the account's forms (Flask-WTF, CSRF on every one) and the Dutch texts
for the codes the services raise. Fields only: every rule lives in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    EmailField,
    FieldList,
    Form,
    FormField,
    MultipleFileField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from .form_fields import KIND_CHOICES, choices

REQUIRED = _("Vul dit in.")
BAD_DATE = _("Vul een datum in als 2024-03-31.")


class IdentifierForm(Form):
    kind = SelectField(_("Soort nummer"), choices=KIND_CHOICES, default="auto")
    text = StringField(_("Nummer"), validators=[Optional(), Length(max=100)])


class ItemForm(FlaskForm):
    category = SelectField(_("Soort voorwerp"), choices=[])
    brand = StringField(_("Merk"), validators=[Length(max=100)])
    model = StringField(_("Type of model"), validators=[Length(max=100)])
    identifiers = FieldList(FormField(IdentifierForm), min_entries=3, max_entries=20)
    colour = StringField(_("Kleur"), validators=[Length(max=60)])
    marks = TextAreaField(
        _("Herkenningstekens (krassen, stickers, gravure)"), validators=[Length(max=2000)]
    )
    purchase_date = DateField(_("Gekocht op"), validators=[Optional()], format="%Y-%m-%d")
    price = DecimalField(
        _("Prijs in euro"), places=2, validators=[Optional(), NumberRange(min=0, max=100_000_000)]
    )
    shop = StringField(_("Winkel of verkoper"), validators=[Length(max=100)])
    notes = TextAreaField(_("Notities"), validators=[Length(max=5000)])
    photos = MultipleFileField(_("Foto's van het voorwerp"))
    receipts = MultipleFileField(_("Aankoopbewijs (foto of PDF)"))


class UploadForm(FlaskForm):
    role = SelectField(
        _("Soort bestand"), choices=choices([("photo", _("Foto")), ("receipt", _("Aankoopbewijs"))])
    )
    files = MultipleFileField(_("Bestanden (JPEG, PNG, WebP of PDF)"))


class StolenForm(FlaskForm):
    stolen_on = DateField(
        _("Datum van de diefstal"), validators=[InputRequired(REQUIRED)], format="%Y-%m-%d"
    )
    stolen_place = StringField(
        _("Plaats (adres of omschrijving)"), validators=[InputRequired(REQUIRED), Length(max=200)]
    )
    stolen_how = TextAreaField(_("Hoe is het gebeurd?"), validators=[Length(max=2000)])


class CaseForm(FlaskForm):
    police_case = StringField(
        _("Zaaknummer van de politie"), validators=[InputRequired(REQUIRED), Length(max=60)]
    )


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(_("Zoeken op nummer, merk of type"), validators=[Length(max=100)])
    category = SelectField(_("Soort voorwerp"), choices=[])


class ImportForm(FlaskForm):
    archive = MultipleFileField(_("Zip-bestand van een export"))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


# --- accounts ---------------------------------------------------------------------------


class RegisterForm(FlaskForm):
    name = StringField(_("Uw naam"), validators=[InputRequired(REQUIRED), Length(max=100)])
    email = EmailField(_("E-mailadres"), validators=[InputRequired(REQUIRED), Length(max=254)])
    password = PasswordField(
        _("Wachtwoord (minstens 12 tekens)"), validators=[InputRequired(REQUIRED)]
    )


class EmailForm(FlaskForm):
    email = EmailField(_("E-mailadres"), validators=[InputRequired(REQUIRED), Length(max=254)])


class ResetForm(FlaskForm):
    password = PasswordField(
        _("Nieuw wachtwoord (minstens 12 tekens)"), validators=[InputRequired(REQUIRED)]
    )


class ChangeEmailForm(FlaskForm):
    email = EmailField(
        _("Nieuw e-mailadres"), validators=[InputRequired(REQUIRED), Length(max=254)]
    )
    password = PasswordField(_("Uw huidige wachtwoord"), validators=[InputRequired(REQUIRED)])


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_("Uw huidige wachtwoord"), validators=[InputRequired(REQUIRED)])
    new = PasswordField(
        _("Nieuw wachtwoord (minstens 12 tekens)"), validators=[InputRequired(REQUIRED)]
    )


class ChangeNameForm(FlaskForm):
    name = StringField(_("Uw naam"), validators=[Length(max=100)])


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _("Uw wachtwoord, ter bevestiging"), validators=[InputRequired(REQUIRED)]
    )


# --- what the codes of the services mean, for people ------------------------------------

MESSAGES = {
    # identifiers
    "imei_check_digit": _(
        "Dit IMEI-nummer klopt niet: het laatste cijfer (het controlecijfer) past niet bij de "
        "rest. Neem het nummer opnieuw over (toets *#06# op de telefoon). Is het geen IMEI "
        "maar een serienummer? Kies dan ‘Serienummer’."
    ),
    "imei_length": _("Een IMEI-nummer heeft 15 cijfers (soms 14 of 16)."),
    "not_imei": _("Een IMEI-nummer bestaat alleen uit cijfers."),
    "plate_invalid": _("Dit is geen geldig Nederlands kenteken."),
    "vin_invalid": _("Een chassisnummer (VIN) heeft 17 tekens."),
    "unusable": _(
        "Dit is geen bruikbaar nummer: neem het nummer over zoals het op het product staat."
    ),
    "too_long": _("Dit is te lang."),
    "unknown_kind": _("Kies een soort nummer uit de lijst."),
    "duplicate": _("Dit nummer staat er al."),
    "too_many": _("Een voorwerp heeft hooguit 20 nummers."),
    # fields
    "unknown_category": _("Kies een soort voorwerp uit de lijst."),
    "price_range": _("Vul een prijs in euro in, zoals 249,95."),
    "future_date": _("Deze datum ligt in de toekomst."),
    "required": REQUIRED,
    # files
    "file_too_large": _("Dit bestand is te groot: een bestand mag hooguit %(mb)s MB zijn."),
    "file_empty": _("Dit bestand is leeg."),
    "file_type": _(
        "Dit bestand is geen JPEG-, PNG- of WebP-foto en geen PDF (wij kijken naar de inhoud, "
        "niet naar de naam)."
    ),
    "image_bomb": _(
        "Deze afbeelding heeft veel te veel pixels. Verklein de foto en probeer opnieuw."
    ),
    "file_broken": _("Dit bestand is beschadigd of onvolledig en kan niet worden gelezen."),
    "pdf_encrypted": _(
        "Deze PDF is met een wachtwoord beveiligd. Bewaar een versie zonder wachtwoord."
    ),
    "too_many_files": _("Een voorwerp heeft hooguit 20 bestanden."),
    # accounts
    "weak_password": _("Een wachtwoord heeft minstens 12 tekens."),
    "long_password": _("Dit wachtwoord is te lang."),
    "long_name": _("Een naam heeft hooguit 100 tekens."),
    "invalid_email": _("Vul een geldig e-mailadres in."),
    "email_taken": _("Er is al een account met dit e-mailadres."),
    "same_email": _("Dit is al uw e-mailadres."),
    "wrong_password": _("Uw huidige wachtwoord klopt niet."),
    "invalid_link": _("Deze link is niet (meer) geldig. Vraag een nieuwe aan."),
    "expired_link": _("Deze link is verlopen. Vraag een nieuwe aan."),
    "mail_failed": _("Wij konden de e-mail nu niet versturen. Probeer het later opnieuw."),
    # import
    "not_a_zip": _("Dit is geen zip-bestand, of het is beschadigd."),
    "zip_too_large": _("Dit zip-bestand is te groot."),
    "too_many_entries": _("Dit zip-bestand bevat te veel bestanden."),
    "unsafe_path": _(
        "Dit zip-bestand bevat een onveilige bestandsnaam (zoals ../): het is niet ingelezen."
    ),
    "no_items_json": _(
        "In dit zip-bestand ontbreekt items.json: gebruik een export van stopheling."
    ),
    "bad_json": _("items.json in dit zip-bestand is geen geldige JSON."),
    "bad_format": _("items.json heeft niet de vorm van een stopheling-export."),
    "item_invalid": _("Een voorwerp in dit bestand is niet geldig."),
    "file_missing": _("Een bestand dat in items.json genoemd wordt, ontbreekt in het zip-bestand."),
    "file_invalid": _("Een foto of bon in dit zip-bestand is niet toegestaan of beschadigd."),
    "entry_too_large": _("Een bestand in dit zip-bestand is te groot."),
    "zip_bomb": _(
        "Dit zip-bestand pakt uit tot veel meer dan het lijkt (een zip-bom): het is niet ingelezen."
    ),
}


def message(code: str, **values: object) -> str:
    text = MESSAGES.get(code)
    if text is None:
        return str(_("Dit klopt niet. Kijk het na en probeer het opnieuw."))
    return str(text) % values if values else str(text)
