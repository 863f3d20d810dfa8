"""Put the latest benchmark table (bench/results/latest.md) into the README.

    python bench/update_readme.py

Replaces the README's "## Performance" section, or creates it before
"## Development". The table is always the output of bench/run.py, never typed.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
LATEST = REPO / "bench" / "results" / "latest.md"
INTRO = """## Performance

`.venv/bin/python bench/run.py` generates an invented register of 1,000,000 items
(`--items 10000000` for the national scale, `--quick` for 100,000), imports it into SQLite
and PostgreSQL (`--databases sqlite,postgresql`), loads the check through gunicorn with 16
clients (wrk if installed: `apt-get install -y wrk`), scans 12-megapixel photos and compares
each with its floor: a bare bulk insert, a constant endpoint of the same app, the raw decoders.
It writes `bench/results/latest.json` and `latest.md`; `--readme` (or
`bench/update_readme.py`) copies the table below. The national scale,
`bench/run.py --items 10000000`, needs about 6 GB of disk per database and, at the import
rates below, roughly an hour for SQLite and two for PostgreSQL (it has not been run yet).
The latest run:

"""


def section(table: str) -> str:
    return INTRO + table.rstrip() + "\n\n"


def update(readme: str, table: str) -> str:
    new = section(table)
    match = re.search(r"^## Performance\n.*?(?=^## )", readme, flags=re.M | re.S)
    if match:
        return readme[: match.start()] + new + readme[match.end() :]
    at = readme.find("\n## Development")
    if at < 0:
        return readme.rstrip() + "\n\n" + new
    return readme[: at + 1] + new + readme[at + 1 :]


def main() -> None:
    README.write_text(update(README.read_text(encoding="utf-8"), LATEST.read_text("utf-8")))
    print(f"updated the Performance section of {README.name} from {LATEST.relative_to(REPO)}")


if __name__ == "__main__":
    main()
