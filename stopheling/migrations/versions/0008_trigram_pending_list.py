"""PostgreSQL: keep the trigram index's pending list small.

GIN indexes collect new entries in a pending list (4 MB by default) that every search
reads through until VACUUM merges it. After an import that list cost a check about 5 ms
of its 10; with 256 kB it is merged as it fills, at a small cost to each import batch.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX ix_stolen_items_key_trgm SET (gin_pending_list_limit = 256)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX ix_stolen_items_key_trgm RESET (gin_pending_list_limit)")
