"""Near-match pieces of serials and frame numbers no longer include the first piece.

The first piece of a serial is mostly a manufacturer's factory/year prefix shared by many
items, which made huge candidate buckets (stopheling/matching/index.py, SKIP). The
pieces of existing serial and frame items are rebuilt from their stored keys, in batches.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from stopheling.matching import Kind, from_storage
from stopheling.matching import index as matching_index

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BATCH = 5000
items = sa.table(
    "stolen_items", sa.column("id"), sa.column("kind"), sa.column("key"), sa.column("segments")
)
pieces = sa.table("stolen_near_pieces", sa.column("item_id"), sa.column("piece"))


def upgrade():
    rebuild(skip=1)


def downgrade():
    rebuild(skip=0)


def rebuild(skip: int) -> None:
    """Recompute the pieces of every serial and frame item with ``skip`` leading pieces left out."""
    saved = dict(matching_index.SKIP)
    matching_index.SKIP.update({Kind.SERIAL: skip, Kind.FRAME: skip})
    try:
        conn, last = op.get_bind(), 0
        while True:
            rows = conn.execute(
                sa.select(items)
                .where(items.c.kind.in_(("serial", "frame")), items.c.id > last)
                .order_by(items.c.id)
                .limit(BATCH)
            ).all()
            if not rows:
                return
            _replace(conn, rows)
            last = rows[-1].id
    finally:
        matching_index.SKIP.clear()
        matching_index.SKIP.update(saved)


def _replace(conn, rows) -> None:
    ids = [r.id for r in rows]
    conn.execute(pieces.delete().where(pieces.c.item_id.in_(ids)))
    new = [
        {"item_id": r.id, "piece": p}
        for r in rows
        for p in matching_index.stored_keys(from_storage(r.kind, r.key, r.segments)).pieces
    ]
    if new:
        conn.execute(pieces.insert(), new)
