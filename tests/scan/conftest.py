"""Fixtures for the scan tests: where the real barcode photos are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def samples_manifest() -> Path | None:
    """manifest.jsonl of the real barcode photos: $STOPHELING_SAMPLES (the samples folder
    or its barcodes/ subfolder), else ../shared/samples next to the repository."""
    root = Path(os.environ.get("STOPHELING_SAMPLES", REPO.parent / "shared" / "samples"))
    for folder in (root / "barcodes", root):
        if (folder / "manifest.jsonl").is_file():
            return folder / "manifest.jsonl"
    return None


@pytest.fixture(scope="session")
def barcode_manifest() -> Path:
    manifest = samples_manifest()
    if manifest is None:
        pytest.skip(
            "real barcode photos not found: set STOPHELING_SAMPLES to the samples folder "
            "(with barcodes/manifest.jsonl) or place it at ../shared/samples"
        )
    return manifest
