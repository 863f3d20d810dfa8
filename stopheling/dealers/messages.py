"""The register's refusals: Dutch texts (msgids, translated at the edge) that name the
field that is wrong, so that a page or the API can point at it."""

from __future__ import annotations

from typing import Any

from ..errors import Unprocessable


def N_(message: str) -> str:  # noqa: N802 - marks a Dutch text for translation (pybabel)
    return message


class RegisterRefused(Unprocessable):
    """A refused entry; ``template`` (Dutch, translated at the edge) names what is wrong."""

    def __init__(self, template: str, *, code: str, field: str | None = None, **params: Any):
        super().__init__(template % params if params else template, code=code)
        self.template, self.params, self.field = template, params, field


FIELD_LABELS = {
    "acquired_at": N_("datum en tijd van verkrijging"),
    "category": N_("soort goed"),
    "description": N_("omschrijving"),
    "price": N_("prijs"),
    "terms": N_("voorwaarden"),
    "seller_surname": N_("achternaam van de verkoper"),
    "seller_first_names": N_("voornamen van de verkoper"),
    "seller_birth_date": N_("geboortedatum van de verkoper"),
    "seller_birth_place": N_("geboorteplaats van de verkoper"),
    "seller_address": N_("adres van de verkoper"),
    "seller_id_type": N_("soort identiteitsbewijs"),
    "seller_id_number": N_("nummer van het identiteitsbewijs"),
    "seller_id_country": N_("land van afgifte van het identiteitsbewijs"),
    "photo": N_("foto"),
    "correction_reason": N_("reden van de correctie"),
    "sold_at": N_("datum van verkoop"),
    "buyer_name": N_("naam van de koper"),
    "buyer_address": N_("adres van de koper"),
    "purchase_number": N_("inkoopnummer"),
}
