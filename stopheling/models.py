"""Import every model so that the metadata (and Alembic) knows all tables."""

from .accounts.models import ApiToken
from .reference.models import Municipality, PoliceUnit
from .stolen.models import StolenItem, StolenItemEvent, StolenNearPiece

__all__ = [
    "ApiToken", "Municipality", "PoliceUnit", "StolenItem", "StolenItemEvent", "StolenNearPiece",
]  # fmt: skip
