"""Municipal oversight of the buyer register: BOAs' register access, scope of read logs.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "register_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=8), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=60), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("granted_by", sa.String(length=100), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipalities.code"],
            name=op.f("fk_register_grants_municipality_code_municipalities"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_register_grants_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_grants")),
    )
    op.create_index(
        op.f("ix_register_grants_municipality_code"), "register_grants", ["municipality_code"]
    )
    op.create_index("ix_register_grants_user_active", "register_grants", ["user_id", "revoked_at"])

    op.create_table(
        "register_read_scopes",
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=8), nullable=False),
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"], ["audit_log.id"], name=op.f("fk_register_read_scopes_audit_id_audit_log")
        ),
        sa.ForeignKeyConstraint(
            ["dealer_id"], ["dealers.id"], name=op.f("fk_register_read_scopes_dealer_id_dealers")
        ),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipalities.code"],
            name=op.f("fk_register_read_scopes_municipality_code_municipalities"),
        ),
        sa.PrimaryKeyConstraint("audit_id", name=op.f("pk_register_read_scopes")),
    )
    op.create_index(
        "ix_register_read_scopes_municipality",
        "register_read_scopes",
        ["municipality_code", "audit_id"],
    )
    op.create_index(
        op.f("ix_register_read_scopes_dealer_id"), "register_read_scopes", ["dealer_id"]
    )


def downgrade():
    op.drop_index(op.f("ix_register_read_scopes_dealer_id"), table_name="register_read_scopes")
    op.drop_index("ix_register_read_scopes_municipality", table_name="register_read_scopes")
    op.drop_table("register_read_scopes")
    op.drop_index("ix_register_grants_user_active", table_name="register_grants")
    op.drop_index(op.f("ix_register_grants_municipality_code"), table_name="register_grants")
    op.drop_table("register_grants")
