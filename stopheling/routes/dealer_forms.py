"""The dealer pages' forms (Flask-WTF, CSRF on each). Fields only: the register's rules
live in stopheling.dealers, which names the field that is wrong."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from .form_fields import KIND_CHOICES, choices

TERMS_CHOICES = choices(
    [
        ("purchase", _("Koop")),
        ("exchange", _("Ruil")),
        ("trade_in", _("Inruil")),
        ("voucher", _("Waardebon")),
        ("gift", _("Gekregen")),
    ]
)
ID_CHOICES = choices(
    [
        ("", _("— geen —")),
        ("id_card", _("Identiteitskaart")),
        ("passport", _("Paspoort")),
        ("driving_licence", _("Rijbewijs")),
        ("residence_permit", _("Verblijfsdocument")),
        ("other", _("Ander document")),
    ]
)
IDENTIFIER_ROWS = 3
EUROS = [Optional(), NumberRange(min=0, max=20_000_000)]


class SignupForm(FlaskForm):
    name = StringField(_("Naam van het bedrijf"), validators=[Length(max=200)])
    kvk = StringField(_("KvK-nummer (8 cijfers)"), validators=[Length(max=12)])
    address = StringField(_("Straat en huisnummer"), validators=[Length(max=200)])
    postcode = StringField(_("Postcode"), validators=[Length(max=10)])
    city = StringField(_("Plaats"), validators=[Length(max=100)])
    municipality = SelectField(_("Gemeente waar u handelt"), choices=[])
    categories = SelectMultipleField(
        _("Soorten goederen"),
        choices=[],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    starts_on = DateField(_("Startdatum (niet verplicht)"), validators=[Optional()])
    phone = StringField(_("Telefoonnummer"), validators=[Length(max=40)])
    person_name = StringField(_("Uw naam"), validators=[Length(max=100)])
    email = EmailField(_("E-mailadres (om in te loggen)"), validators=[Length(max=254)])
    password = PasswordField(_("Wachtwoord (minstens 12 tekens)"), validators=[Length(max=200)])


class PurchaseForm(FlaskForm):
    acquired_date = DateField(_("Datum van verkrijging"), validators=[Optional()])
    acquired_time = TimeField(_("Tijd"), validators=[Optional()])
    category = SelectField(_("Soort goed"), choices=[])
    brand = StringField(_("Merk"), validators=[Length(max=100)])
    model = StringField(_("Type"), validators=[Length(max=100)])
    colour = StringField(_("Kleur"), validators=[Length(max=60)])
    description = TextAreaField(_("Omschrijving"), validators=[Length(max=2000)])
    kind_1 = SelectField(_("Soort nummer"), choices=KIND_CHOICES, default="auto")
    number_1 = StringField(_("Nummer"), validators=[Length(max=100)])
    kind_2 = SelectField(_("Soort nummer"), choices=KIND_CHOICES, default="auto")
    number_2 = StringField(_("Nummer"), validators=[Length(max=100)])
    kind_3 = SelectField(_("Soort nummer"), choices=KIND_CHOICES, default="auto")
    number_3 = StringField(_("Nummer"), validators=[Length(max=100)])
    photo = FileField(_("Kleurenfoto (als het goed geen uniek nummer heeft)"))
    price = DecimalField(_("Prijs in euro"), places=2, validators=EUROS)
    terms = SelectField(_("Voorwaarden"), choices=TERMS_CHOICES, default="purchase")
    paid_in_cash = BooleanField(_("Contant betaald"))
    seller_surname = StringField(_("Achternaam"), validators=[Length(max=100)])
    seller_first_names = StringField(_("Voornamen"), validators=[Length(max=150)])
    seller_birth_date = DateField(_("Geboortedatum"), validators=[Optional()])
    seller_birth_place = StringField(_("Geboorteplaats"), validators=[Length(max=100)])
    seller_address = TextAreaField(_("Adres (zoals ingeschreven)"), validators=[Length(max=300)])
    seller_id_type = SelectField(_("Soort identiteitsbewijs"), choices=ID_CHOICES, default="")
    seller_id_number = StringField(_("Documentnummer"), validators=[Length(max=40)])
    seller_id_country = StringField(_("Land van afgifte (bijv. NL)"), default="NL",
                                    validators=[Length(max=3)])  # fmt: skip
    corrects_number = StringField(_("Corrigeert regel"), validators=[Length(max=10)])
    correction_reason = TextAreaField(_("Reden van de correctie"), validators=[Length(max=2000)])


class SaleForm(FlaskForm):
    purchase_number = StringField(_("Inkoopnummer"), validators=[Length(max=10)])
    sold_date = DateField(_("Datum van verkoop"), validators=[Optional()])
    sold_time = TimeField(_("Tijd"), validators=[Optional()])
    price = DecimalField(_("Verkoopprijs in euro"), places=2, validators=EUROS)
    buyer_name = StringField(_("Naam van de koper"), validators=[Length(max=200)])
    buyer_address = TextAreaField(_("Adres van de koper"), validators=[Length(max=300)])
    corrects_number = StringField(_("Corrigeert verkoopregel"), validators=[Length(max=10)])
    correction_reason = TextAreaField(_("Reden van de correctie"), validators=[Length(max=2000)])


class TokenForm(FlaskForm):
    label = StringField(_("Naam van de sleutel (bijv. kassasysteem)"), validators=[Length(max=100)])


class DecisionForm(FlaskForm):
    note = TextAreaField(_("Toelichting (niet verplicht)"), validators=[Length(max=2000)])
