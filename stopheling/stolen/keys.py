"""Derive the stored matching columns and near-match pieces from a parsed identifier."""

from __future__ import annotations

from typing import Any

from ..matching import ParsedIdentifier
from ..matching.index import stored_keys


def key_columns(parsed: ParsedIdentifier) -> tuple[dict[str, Any], tuple[str, ...]]:
    """(column values, near pieces) for a parsed identifier that has a key."""
    assert parsed.key is not None
    keys = stored_keys(parsed)
    columns = {
        "kind": parsed.kind.value,
        "normalized": parsed.normalized[:200],
        "key": parsed.key,
        "segments": "-".join(parsed.segments),
        "match_key": keys.match_key,
        "order_key": keys.order_key,
    }
    return columns, keys.pieces
