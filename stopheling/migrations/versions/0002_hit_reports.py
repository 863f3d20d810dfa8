"""Hit reports, delivery channels and the outbox of delivery jobs; users with roles and the
audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_actor"), ["actor"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_subject"), ["subject"], unique=False)

    op.create_table(
        "delivery_channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("police_unit_code", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("target", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind <> 'webhook' OR secret IS NOT NULL",
            name=op.f("ck_delivery_channels_webhook_secret"),
        ),
        sa.CheckConstraint("kind IN ('webhook', 'email')", name=op.f("ck_delivery_channels_kind")),
        sa.ForeignKeyConstraint(
            ["police_unit_code"],
            ["police_units.code"],
            name=op.f("fk_delivery_channels_police_unit_code_police_units"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_channels")),
    )
    with op.batch_alter_table("delivery_channels", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_delivery_channels_police_unit_code"), ["police_unit_code"], unique=False
        )

    op.create_table(
        "hit_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("stolen_item_id", sa.Integer(), nullable=False),
        sa.Column("police_unit_code", sa.String(length=8), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("where", sa.Text(), nullable=False),
        sa.Column("contact_name", sa.String(length=100), nullable=True),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("contact_phone", sa.String(length=40), nullable=True),
        sa.Column("contact_key", sa.String(length=64), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("photo_type", sa.String(length=40), nullable=True),
        sa.Column("repeats", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=100), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=100), nullable=True),
        sa.Column("close_note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'delivered', 'acknowledged', 'closed')",
            name=op.f("ck_hit_reports_status"),
        ),
        sa.ForeignKeyConstraint(
            ["police_unit_code"],
            ["police_units.code"],
            name=op.f("fk_hit_reports_police_unit_code_police_units"),
        ),
        sa.ForeignKeyConstraint(
            ["stolen_item_id"],
            ["stolen_items.id"],
            name=op.f("fk_hit_reports_stolen_item_id_stolen_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hit_reports")),
        sa.UniqueConstraint("public_id", name=op.f("uq_hit_reports_public_id")),
    )
    with op.batch_alter_table("hit_reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hit_reports_dedup", ["stolen_item_id", "contact_key", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_hit_reports_inbox", ["police_unit_code", "status", "created_at"], unique=False
        )

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("police_unit_code", sa.String(length=8), nullable=True),
        sa.Column("municipality_code", sa.String(length=8), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "role <> 'municipality' OR municipality_code IS NOT NULL",
            name=op.f("ck_users_municipality"),
        ),
        sa.CheckConstraint(
            "role <> 'police' OR police_unit_code IS NOT NULL", name=op.f("ck_users_police_unit")
        ),
        sa.CheckConstraint(
            "role IN ('citizen', 'dealer', 'municipality', 'boa', 'police', 'admin')",
            name=op.f("ck_users_role"),
        ),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipalities.code"],
            name=op.f("fk_users_municipality_code_municipalities"),
        ),
        sa.ForeignKeyConstraint(
            ["police_unit_code"],
            ["police_units.code"],
            name=op.f("fk_users_police_unit_code_police_units"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "delivery_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("breaker_key", sa.String(length=40), nullable=False),
        sa.Column("idempotency_key", sa.String(length=80), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=80), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('webhook', 'email', 'citizen_email')", name=op.f("ck_delivery_jobs_kind")
        ),
        sa.CheckConstraint(
            "state IN ('pending', 'done', 'failed')", name=op.f("ck_delivery_jobs_state")
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["delivery_channels.id"],
            name=op.f("fk_delivery_jobs_channel_id_delivery_channels"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["hit_reports.id"], name=op.f("fk_delivery_jobs_report_id_hit_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_jobs")),
        sa.UniqueConstraint("idempotency_key", name="uq_delivery_jobs_idempotency_key"),
    )
    with op.batch_alter_table("delivery_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_delivery_jobs_due", ["state", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_delivery_jobs_report_id"), ["report_id"], unique=False)


def downgrade():
    with op.batch_alter_table("delivery_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_jobs_report_id"))
        batch_op.drop_index("ix_delivery_jobs_due")

    op.drop_table("delivery_jobs")
    op.drop_table("users")
    with op.batch_alter_table("hit_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_hit_reports_inbox")
        batch_op.drop_index("ix_hit_reports_dedup")

    op.drop_table("hit_reports")
    with op.batch_alter_table("delivery_channels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_channels_police_unit_code"))

    op.drop_table("delivery_channels")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_subject"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))
        batch_op.drop_index(batch_op.f("ix_audit_log_actor"))

    op.drop_table("audit_log")
