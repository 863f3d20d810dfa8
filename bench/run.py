"""stopheling's benchmark: one command, every measure beside its floor (issue 7).

    .venv/bin/python bench/run.py [--items N] [--databases sqlite,postgresql] [--quick]
                                  [--seconds S] [--no-scan] [--readme]

1. writes an invented register (default 1,000,000 items) and a query set;
2. per database: ``stopheling import-stolen`` as a child process (rate, peak RSS)
   and a bare bulk insert of the same rows (executemany / COPY);
3. per database: the check through gunicorn (gunicorn.conf.py) under 16 clients, for
   hits, look-alikes, near queries and misses, and a constant endpoint of the same app;
4. per database: the buyer register: purchases recorded per second through the API
   (16 dealers), and retro-matching new stolen items against 1,000,000 purchase entries;
5. the scan endpoint per image kind at 12 MP against the raw decoders;
6. bench/results/latest.json and latest.md; ``--readme`` puts the table in the README.
Everything it creates (temporary folder, databases, servers) is removed on exit,
Ctrl+C included.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import databases, dataset, report, update_readme  # noqa: E402
from bench.http_load import measure_checks, server  # noqa: E402
from bench.register_bench import measure_recording, measure_retro  # noqa: E402
from bench.scan_bench import measure_scans  # noqa: E402

RESULTS = REPO / "bench" / "results"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=None, help="default 1,000,000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--quick", action="store_true", help="100,000 items, short loads")
    parser.add_argument("--seconds", type=float, default=None, help="per load (default 15)")
    parser.add_argument("--scan-repeats", type=int, default=None)
    parser.add_argument("--no-scan", action="store_true")
    parser.add_argument("--no-register", action="store_true", help="skip the buyer register")
    parser.add_argument(
        "--entries",
        type=int,
        default=None,
        help="purchase entries for retro-matching (default 1,000,000)",
    )
    parser.add_argument(
        "--new-items",
        type=int,
        default=None,
        help="stolen items imported after them (default 100,000)",
    )
    parser.add_argument("--readme", action="store_true", help="also update the README")
    args = parser.parse_args()
    args.items = args.items or (100_000 if args.quick else 1_000_000)
    args.seconds = args.seconds or (6 if args.quick else 15)
    args.scan_repeats = args.scan_repeats or (3 if args.quick else 5)
    args.entries = args.entries or (100_000 if args.quick else 1_000_000)
    args.new_items = args.new_items or (10_000 if args.quick else 100_000)
    return args


def step(text: str) -> float:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)
    return time.perf_counter()


def run_database(kind: str, args: argparse.Namespace, register: Path,
                 queries: dataset.QuerySet, workdir: Path) -> dict[str, Any]:  # fmt: skip
    out: dict[str, Any] = {}
    with databases.database(kind, workdir) as url:
        out["version"] = databases.versions(url)
        step(f"{kind}: bare bulk insert of {args.items:,} rows")
        out["bare_insert"] = databases.bare_insert(url, register, args.items)
        step(f"{kind}: stopheling import-stolen of {args.items:,} items")
        out["import"] = databases.timed_import(url, register, args.items)
        print(f"  import {out['import']['items_per_s']:,}/s "
              f"(bare {out['bare_insert']['items_per_s']:,}/s), "
              f"peak RSS {out['import']['peak_rss_mb']} MB")  # fmt: skip
        step(f"{kind}: checks through gunicorn, {args.seconds:.0f} s per class")
        classes = {name: queries.paths(name) for name in queries.classes}
        out["check"] = measure_checks(url, classes, args.seconds, workdir)
        for name, x in out["check"]["load"].items():
            print(
                f"  {name:10} {x['requests_per_s']:8,.0f} req/s  p50 {x['p50_ms']:6.1f}  "
                f"p95 {x['p95_ms']:6.1f}  p99 {x['p99_ms']:6.1f} ms  errors {x['errors']}"
            )
        if not args.no_register:
            step(f"{kind}: buyer register: purchases through the API, {args.seconds:.0f} s")
            with server(url, workdir) as info:
                recording = measure_recording(url, info["port"], args.seconds, workdir)
            print(f"  {recording['recorded_per_s']:,.0f} purchases/s, p99 "
                  f"{recording['p99_ms']:.1f} ms, errors {recording['errors']}, "
                  f"{recording['verify']}")  # fmt: skip
            step(f"{kind}: retro-matching {args.new_items:,} new stolen items against "
                 f"{args.entries:,} purchase entries")  # fmt: skip
            retro = measure_retro(url, args.entries, args.new_items)
            print(f"  {retro['seconds']} s, {retro['alerts']:,} alerts for {retro['planted']:,} "
                  f"planted pairs (register filled in {retro['fill_seconds']} s)")  # fmt: skip
            out["register"] = {"recording": recording, "retro": retro}
        if not args.no_scan and kind == args.databases.split(",")[-1]:
            # last, so that the OCR models loaded here do not swell the processes above
            step(f"{kind}: scans of 12 MP photos")
            with server(url, workdir) as info:
                args.done["scan"] = measure_scans(info["port"], args.scan_repeats)
    return out


def main() -> None:
    args = parse_args()
    args.done = {}
    command = "bench/run.py " + shlex.join(sys.argv[1:])
    workdir = Path(tempfile.mkdtemp(prefix="stopheling-bench-"))
    result: dict[str, Any] = {"date": datetime.now().astimezone().isoformat(timespec="minutes"),
                              "command": command.strip(), "items": args.items,
                              "machine": report.machine(), "databases": {}}  # fmt: skip
    started = time.perf_counter()
    try:
        step(f"writing {args.items:,} invented items and the query set")
        register = workdir / "register.ndjson"
        queries = dataset.build_queries(dataset.write_register(register, args.items))
        for kind in args.databases.split(","):
            result["databases"][kind] = run_database(kind, args, register, queries, workdir)
    except KeyboardInterrupt:
        print("interrupted: cleaning up", file=sys.stderr)
        raise SystemExit(130) from None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result["scan"] = args.done.get("scan", {})
    result["generator"] = "wrk" if shutil.which("wrk") else "python (bench/loadgen.py)"
    result["goals"] = report.goals(result)
    result["seconds"] = round(time.perf_counter() - started)
    finish(result, args.readme)


def finish(result: dict[str, Any], readme: bool) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (RESULTS / "latest.md").write_text(report.markdown(result), encoding="utf-8")
    print(f"goals ({result['seconds']} s in all):")
    report.print_summary(result)
    print("written bench/results/latest.json and bench/results/latest.md")
    if readme:
        update_readme.main()


if __name__ == "__main__":
    main()
