"""Edit distance: OSA (optimal string alignment), matching.md §2."""

from __future__ import annotations

from rapidfuzz.distance import OSA


def osa(a: str, b: str, cutoff: int | None = None) -> int:
    """OSA distance; with ``cutoff`` any distance above it is reported as cutoff + 1."""
    return int(OSA.distance(a, b, score_cutoff=cutoff))
