"""Operations: clients throttled for walking through identifiers (enumeration_flags).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "enumeration_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client", sa.String(length=80), nullable=False),
        sa.Column("distinct_misses", sa.Integer(), nullable=False),
        sa.Column("times_flagged", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enumeration_flags")),
        sa.UniqueConstraint("client", name=op.f("uq_enumeration_flags_client")),
    )


def downgrade():
    op.drop_table("enumeration_flags")
