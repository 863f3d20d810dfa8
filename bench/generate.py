"""Deterministic, realistic stolen-goods data for the benchmarks (all invented).

python bench/generate.py --items 1000000 > items.ndjson
"""

from __future__ import annotations

import argparse
import sys

from stopheling.stolen.demo import ndjson


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    out = sys.stdout
    for line in ndjson(args.items, seed=args.seed):
        out.write(line + "\n")


if __name__ == "__main__":
    main()
