"""Import every model so that the metadata (and Alembic) knows all tables."""

from .accounts.models import ApiToken, AuditLog, User
from .reference.models import Municipality, PoliceUnit
from .reports.models import DeliveryChannel, DeliveryJob, HitReport
from .stolen.models import StolenItem, StolenItemEvent, StolenNearPiece

__all__ = [
    "ApiToken", "AuditLog", "DeliveryChannel", "DeliveryJob", "HitReport", "Municipality",
    "PoliceUnit", "StolenItem", "StolenItemEvent", "StolenNearPiece", "User",
]  # fmt: skip
