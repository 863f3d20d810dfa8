"""Import every model so that the metadata (and Alembic) knows all tables."""

from .accounts.models import ApiToken, AuditLog, User
from .dealers.models import (
    Dealer,
    MunicipalityRegisterSettings,
    PurchaseEntry,
    PurchaseIdentifier,
    RegisterAlert,
    RegisterHead,
    RetroMatchCursor,
    SaleEntry,
)  # fmt: skip
from .dealers.oversight_models import RegisterGrant, RegisterReadScope
from .enumeration import EnumerationFlag
from .reference.models import Municipality, PoliceUnit
from .reports.models import DeliveryChannel, DeliveryJob, HitReport
from .stolen.models import StolenItem, StolenItemEvent, StolenNearPiece
from .vault.models import VaultFile, VaultIdentifier, VaultItem

__all__ = [
    "ApiToken", "AuditLog", "DeliveryChannel", "DeliveryJob", "HitReport", "Municipality",
    "PoliceUnit", "StolenItem", "StolenItemEvent", "StolenNearPiece", "User",
]  # fmt: skip
__all__ += ["VaultFile", "VaultIdentifier", "VaultItem"]
__all__ += [
    "Dealer", "MunicipalityRegisterSettings", "PurchaseEntry", "PurchaseIdentifier",
    "RegisterAlert", "RegisterHead", "RetroMatchCursor", "SaleEntry",
]  # fmt: skip
__all__ += ["RegisterGrant", "RegisterReadScope"]
__all__ += ["EnumerationFlag"]
