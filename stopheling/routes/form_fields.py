"""What the pages' forms share: select choices and the identifier kinds a person can pick."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from wtforms.fields.choices import SelectChoice


def choices(pairs: list[tuple[str, object]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]  # type: ignore[arg-type]


KIND_CHOICES = choices(
    [
        ("auto", _("Automatisch herkennen")),
        ("serial", _("Serienummer")),
        ("imei", _("IMEI (telefoon)")),
        ("frame", _("Framenummer (fiets)")),
        ("plate", _("Kenteken")),
        ("vin", _("Chassisnummer (VIN)")),
    ]
)
