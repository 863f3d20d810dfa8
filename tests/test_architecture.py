"""Architecture rules that must keep holding (shared/ARCHITECTURE.md)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("package", ["stopheling.matching", "stopheling.scan.pipeline"])
def test_core_imports_neither_flask_nor_sqlalchemy(package):
    code = (
        f"import sys, {package}\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'apiflask')]\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_dutch_text_has_an_english_translation(tmp_path):
    from babel.messages.pofile import read_po

    pot = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg",
         "-o", str(pot), "--no-location", "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    with (ROOT / "stopheling/translations/en/LC_MESSAGES/messages.po").open("rb") as f:
        translated = {m.id for m in read_po(f) if m.id and m.string and not m.fuzzy}
    assert wanted - translated == set()
