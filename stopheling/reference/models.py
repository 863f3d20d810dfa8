"""Police units and municipalities (from stopheling/data/*.csv)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class PoliceUnit(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "police_units"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")


class Municipality(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "municipalities"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    province: Mapped[str] = mapped_column(String(40))
    police_unit_code: Mapped[str] = mapped_column(ForeignKey("police_units.code"))
