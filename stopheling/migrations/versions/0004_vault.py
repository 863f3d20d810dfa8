"""The vault: residents' belongings, their identifiers (encrypted) and files; account confirmation.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_confirmed_at", sa.DateTime(timezone=True)))

    op.create_table(
        "vault_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("brand", sa.String(length=100), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("colour", sa.String(length=60), nullable=False),
        sa.Column("marks", sa.Text(), nullable=False),
        sa.Column("purchase_date", sa.Date(), nullable=True),
        sa.Column("price_cents", sa.Integer(), nullable=True),
        sa.Column("shop", sa.String(length=100), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stolen_on", sa.Date(), nullable=True),
        sa.Column("stolen_place", sa.String(length=200), nullable=False),
        sa.Column("stolen_how", sa.Text(), nullable=False),
        sa.Column("police_case", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_vault_items_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vault_items")),
    )
    op.create_index(op.f("ix_vault_items_owner_id"), "vault_items", ["owner_id"])

    op.create_table(
        "vault_identifiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("lookup", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "kind IN ('serial', 'imei', 'frame', 'plate', 'vin')",
            name=op.f("ck_vault_identifiers_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["vault_items.id"],
            name=op.f("fk_vault_identifiers_item_id_vault_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vault_identifiers")),
    )
    op.create_index(op.f("ix_vault_identifiers_item_id"), "vault_identifiers", ["item_id"])
    op.create_index(op.f("ix_vault_identifiers_lookup"), "vault_identifiers", ["lookup"])

    op.create_table(
        "vault_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('photo', 'receipt')", name=op.f("ck_vault_files_role")),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["vault_items.id"],
            name=op.f("fk_vault_files_item_id_vault_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vault_files")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_vault_files_stored_name")),
    )
    op.create_index(op.f("ix_vault_files_item_id"), "vault_files", ["item_id"])


def downgrade():
    op.drop_index(op.f("ix_vault_files_item_id"), table_name="vault_files")
    op.drop_table("vault_files")
    op.drop_index(op.f("ix_vault_identifiers_lookup"), table_name="vault_identifiers")
    op.drop_index(op.f("ix_vault_identifiers_item_id"), table_name="vault_identifiers")
    op.drop_table("vault_identifiers")
    op.drop_index(op.f("ix_vault_items_owner_id"), table_name="vault_items")
    op.drop_table("vault_items")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email_confirmed_at")
