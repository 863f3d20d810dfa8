"""The buyer register: dealers, purchase and sales registers, municipal settings.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _pk(table):
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _fk(table, column, target):
    ref_table = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{ref_table}")
    )


def upgrade():
    tz = sa.DateTime(timezone=True)
    op.create_table(
        "dealers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kvk", sa.String(8), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("postcode", sa.String(10), nullable=False),
        sa.Column("city", sa.String(100), nullable=False),
        sa.Column("municipality_code", sa.String(8), nullable=False),
        sa.Column("categories", sa.String(400), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", tz, nullable=False),
        sa.Column("decided_at", tz, nullable=True),
        sa.Column("decided_by", sa.String(100), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'suspended')",
            name=op.f("ck_dealers_status"),
        ),
        _fk("dealers", "municipality_code", "municipalities.code"),
        _pk("dealers"),
        sa.UniqueConstraint("kvk", "municipality_code", name="uq_dealers_kvk_municipality"),
    )
    op.create_index("ix_dealers_municipality_status", "dealers", ["municipality_code", "status"])

    op.create_table(
        "municipality_register_settings",
        sa.Column("municipality_code", sa.String(8), nullable=False),
        sa.Column("hold_period", sa.Integer(), nullable=False),
        sa.Column("hold_unit", sa.String(12), nullable=False),
        sa.Column("sales_register_required", sa.Boolean(), nullable=False),
        sa.Column("id_required_for_all_sellers", sa.Boolean(), nullable=False),
        sa.Column("photo_required_without_number", sa.Boolean(), nullable=False),
        sa.Column("updated_at", tz, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.CheckConstraint(
            "hold_unit IN ('days', 'working_days')",
            name=op.f("ck_municipality_register_settings_hold_unit"),
        ),
        sa.CheckConstraint(
            "hold_period >= 0 AND hold_period <= 60",
            name=op.f("ck_municipality_register_settings_hold_period"),
        ),
        _fk("municipality_register_settings", "municipality_code", "municipalities.code"),
        sa.PrimaryKeyConstraint(
            "municipality_code", name=op.f("pk_municipality_register_settings")
        ),
    )

    op.create_table(
        "register_heads",
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("register", sa.String(10), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.CheckConstraint(
            "register IN ('purchase', 'sale')", name=op.f("ck_register_heads_register")
        ),
        _fk("register_heads", "dealer_id", "dealers.id"),
        sa.PrimaryKeyConstraint("dealer_id", "register", name=op.f("pk_register_heads")),
    )

    op.create_table(
        "purchase_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("acquired_at", tz, nullable=False),
        sa.Column("recorded_at", tz, nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("brand", sa.String(100), nullable=False),
        sa.Column("model", sa.String(100), nullable=False),
        sa.Column("colour", sa.String(60), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=False),
        sa.Column("terms", sa.String(12), nullable=False),
        sa.Column("paid_in_cash", sa.Boolean(), nullable=False),
        sa.Column("seller_surname", sa.String(100), nullable=True),
        sa.Column("seller_first_names", sa.String(150), nullable=True),
        sa.Column("seller_birth_date", sa.Date(), nullable=True),
        sa.Column("seller_birth_place", sa.String(100), nullable=True),
        sa.Column("seller_address", sa.String(300), nullable=True),
        sa.Column("seller_id_type", sa.String(20), nullable=True),
        sa.Column("seller_id_number", sa.String(40), nullable=True),
        sa.Column("seller_id_country", sa.String(3), nullable=True),
        sa.Column("seller_salt", sa.String(32), nullable=True),
        sa.Column("seller_digest", sa.String(64), nullable=False),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("photo_type", sa.String(40), nullable=True),
        sa.Column("photo_sha256", sa.String(64), nullable=True),
        sa.Column("corrects_number", sa.Integer(), nullable=True),
        sa.Column("correction_reason", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("erased_at", tz, nullable=True),
        sa.Column("client_key", sa.String(100), nullable=True),
        sa.CheckConstraint(
            "terms IN ('purchase', 'exchange', 'trade_in', 'voucher', 'gift')",
            name=op.f("ck_purchase_entries_terms"),
        ),
        sa.CheckConstraint("price_cents >= 0", name=op.f("ck_purchase_entries_price")),
        _fk("purchase_entries", "dealer_id", "dealers.id"),
        _pk("purchase_entries"),
        sa.UniqueConstraint("dealer_id", "number", name="uq_purchase_entries_dealer_number"),
        sa.UniqueConstraint(
            "dealer_id", "client_key", name="uq_purchase_entries_dealer_client_key"
        ),
    )
    op.create_index("ix_purchase_entries_recorded", "purchase_entries", ["recorded_at"])
    op.create_index("ix_purchase_entries_seller_id", "purchase_entries", ["seller_id_number"])
    # corrections of an entry (alerts follow a correction chain; without it: a register scan)
    op.create_index(
        "ix_purchase_entries_corrects", "purchase_entries", ["dealer_id", "corrects_number"]
    )

    op.create_table(
        "purchase_identifiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("raw", sa.String(200), nullable=False),
        sa.Column("normalized", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("segments", sa.String(220), nullable=False),
        sa.Column("match_key", sa.String(210), nullable=False),
        _fk("purchase_identifiers", "entry_id", "purchase_entries.id"),
        _pk("purchase_identifiers"),
    )
    op.create_index("ix_purchase_identifiers_match", "purchase_identifiers", ["kind", "match_key"])
    op.create_index(op.f("ix_purchase_identifiers_entry_id"), "purchase_identifiers", ["entry_id"])

    op.create_table(
        "sale_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("purchase_entry_id", sa.Integer(), nullable=False),
        sa.Column("sold_at", tz, nullable=False),
        sa.Column("recorded_at", tz, nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=False),
        sa.Column("buyer_name", sa.String(200), nullable=True),
        sa.Column("buyer_address", sa.String(300), nullable=True),
        sa.Column("buyer_salt", sa.String(32), nullable=True),
        sa.Column("buyer_digest", sa.String(64), nullable=False),
        sa.Column("corrects_number", sa.Integer(), nullable=True),
        sa.Column("correction_reason", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("erased_at", tz, nullable=True),
        sa.Column("client_key", sa.String(100), nullable=True),
        sa.CheckConstraint("price_cents >= 0", name=op.f("ck_sale_entries_price")),
        _fk("sale_entries", "dealer_id", "dealers.id"),
        _fk("sale_entries", "purchase_entry_id", "purchase_entries.id"),
        _pk("sale_entries"),
        sa.UniqueConstraint("dealer_id", "number", name="uq_sale_entries_dealer_number"),
        sa.UniqueConstraint("dealer_id", "client_key", name="uq_sale_entries_dealer_client_key"),
    )
    op.create_index(
        op.f("ix_sale_entries_purchase_entry_id"), "sale_entries", ["purchase_entry_id"]
    )

    op.create_table(
        "register_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("identifier_id", sa.Integer(), nullable=False),
        sa.Column("stolen_item_id", sa.Integer(), nullable=False),
        sa.Column("found", sa.String(10), nullable=False),
        sa.Column("created_at", tz, nullable=False),
        sa.Column("theft_report_id", sa.Integer(), nullable=True),
        sa.Column("area_report_id", sa.Integer(), nullable=True),
        sa.Column("released_at", tz, nullable=True),
        sa.Column("released_by", sa.String(100), nullable=True),
        sa.Column("release_note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "found IN ('recording', 'retro')", name=op.f("ck_register_alerts_found")
        ),
        _fk("register_alerts", "dealer_id", "dealers.id"),
        _fk("register_alerts", "entry_id", "purchase_entries.id"),
        _fk("register_alerts", "identifier_id", "purchase_identifiers.id"),
        _fk("register_alerts", "stolen_item_id", "stolen_items.id"),
        _fk("register_alerts", "theft_report_id", "hit_reports.id"),
        _fk("register_alerts", "area_report_id", "hit_reports.id"),
        _pk("register_alerts"),
        sa.UniqueConstraint("identifier_id", "stolen_item_id", name="uq_register_alerts_pair"),
    )
    op.create_index("ix_register_alerts_entry", "register_alerts", ["entry_id", "released_at"])
    op.create_index(op.f("ix_register_alerts_dealer_id"), "register_alerts", ["dealer_id"])
    op.create_index(
        op.f("ix_register_alerts_stolen_item_id"), "register_alerts", ["stolen_item_id"]
    )

    op.create_table(
        "retro_match_cursor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_event_id", sa.BigInteger(), nullable=False),
        sa.Column("pending_event_id", sa.BigInteger(), nullable=True),
        sa.Column("pending_holders", sa.Text(), nullable=True),
        sa.Column("updated_at", tz, nullable=False),
        _pk("retro_match_cursor"),
    )

    # Dealer employees and dealer API tokens belong to a dealer. On SQLite a nullable
    # column with a named REFERENCES clause is a plain ALTER TABLE: no rebuild of users,
    # which other tables refer to.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE users ADD COLUMN dealer_id INTEGER "
            "CONSTRAINT fk_users_dealer_id_dealers REFERENCES dealers (id)"
        )
    else:
        op.add_column("users", sa.Column("dealer_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_users_dealer_id_dealers", "users", "dealers", ["dealer_id"], ["id"]
        )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dealer_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_api_tokens_dealer_id_dealers"), "dealers", ["dealer_id"], ["id"]
        )
        batch_op.drop_constraint(op.f("ck_api_tokens_kind"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_api_tokens_kind"), "kind IN ('police', 'app', 'dealer')"
        )


def downgrade():
    op.execute("DELETE FROM api_tokens WHERE kind = 'dealer'")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_api_tokens_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_api_tokens_kind"), "kind IN ('police', 'app')")
        batch_op.drop_constraint(op.f("fk_api_tokens_dealer_id_dealers"), type_="foreignkey")
        batch_op.drop_column("dealer_id")
    with op.batch_alter_table("users", schema=None) as batch_op:
        if op.get_bind().dialect.name != "sqlite":  # SQLite: the rebuild drops it with the column
            batch_op.drop_constraint(op.f("fk_users_dealer_id_dealers"), type_="foreignkey")
        batch_op.drop_column("dealer_id")
    for table in (
        "retro_match_cursor",
        "register_alerts",
        "sale_entries",
        "purchase_identifiers",
        "purchase_entries",
        "register_heads",
        "municipality_register_settings",
        "dealers",
    ):
        op.drop_table(table)
