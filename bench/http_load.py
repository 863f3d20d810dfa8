"""The check through the real HTTP stack: gunicorn with gunicorn.conf.py, a separate
load generator (wrk when installed, else bench/loadgen.py), 16 keep-alive clients.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from bench.dataset import EXPECTED

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
CLIENTS = 16
WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local threads = 0
function setup(thread) thread:set("i", threads * 7919); threads = threads + 1 end
function request()
  i = i + 1
  return wrk.format("GET", paths[i % #paths + 1])
end
function done(s, lat, req)
  local e = s.errors
  io.write(string.format('BENCH_JSON {"requests": %d, "errors": %d, "seconds": %.2f, ' ..
    '"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f}\\n', s.requests,
    e.connect + e.read + e.write + e.status + e.timeout, s.duration / 1e6,
    lat:percentile(50) / 1000, lat:percentile(95) / 1000, lat:percentile(99) / 1000))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def redis(workdir: Path) -> Iterator[str | None]:
    """A private redis-server for the rate limits (production refuses memory://), if any."""
    exe = shutil.which("redis-server")
    if exe is None:
        yield None
        return
    port = free_port()
    args = [exe, "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no"]
    proc = subprocess.Popen(args, cwd=workdir, stdout=subprocess.DEVNULL)
    try:
        _wait_for_port(port, proc)
        yield f"redis://{HOST}:{port}"
    finally:
        _stop(proc)


@contextmanager
def server(url: str, workdir: Path) -> Iterator[dict[str, Any]]:
    """gunicorn serving bench/bare_app.py with the production settings of gunicorn.conf.py."""
    with ExitStack() as stack:
        redis_url = stack.enter_context(redis(workdir))
        port = free_port()
        env = os.environ | {
            "DATABASE_URL": url, "STOPHELING_BIND": f"{HOST}:{port}",
            "STOPHELING_ACCESS_LOG": str(workdir / "access.log"),
            "STOPHELING_CHECK_RATE_LIMIT": "1000000000/minute",
            "STOPHELING_SCAN_RATE_LIMIT": "1000000/minute",
            # the load is the measure here: no shedding (503) and no enumeration block (429),
            # which the production defaults would apply to 16 clients walking a query list
            "STOPHELING_CHECK_CONCURRENCY": "0", "STOPHELING_ENUMERATION_MISSES": "1000000000",
        }  # fmt: skip
        if redis_url:
            env |= {"STOPHELING_ENV": "production", "REDIS_URL": redis_url,
                    "SECRET_KEY": secrets.token_urlsafe(32),
                    "STOPHELING_VAULT_KEY": secrets.token_urlsafe(32)}  # fmt: skip
        log = stack.enter_context((workdir / "gunicorn.log").open("wb"))
        args = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "bench.bare_app:app"]
        proc = subprocess.Popen(args, cwd=REPO, env=env, stdout=log, stderr=log)
        stack.callback(_stop, proc)
        _wait_for_port(port, proc, path="/healthz")
        yield {"port": port, "env": "production" if redis_url else "development",
               "workers": env.get("STOPHELING_WORKERS", "2"),
               "threads": env.get("STOPHELING_THREADS", "4")}  # fmt: skip


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], path: str | None = None) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        try:
            if path is None:
                socket.create_connection((HOST, port), timeout=1).close()
                return
            status, _ = get(port, path)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{proc.args} did not answer on port {port}")


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def verify(port: int, name: str, paths: list[str], limit: int = 200) -> dict[str, Any]:
    """How many answers of a class are what the matching rules promise (see dataset.py)."""
    good = 0
    sample = paths[:limit]
    for path in sample:
        status, body = get(port, path)
        good += status == 200 and EXPECTED[name](json.loads(body))
    return {"checked": len(sample), "as_expected": good}


def load(port: int, paths: list[str], seconds: float, workdir: Path) -> dict[str, Any]:
    """Throughput and latency percentiles of ``paths`` requested by 16 clients."""
    paths_file = workdir / "paths.txt"
    paths_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
    wrk = shutil.which("wrk")
    if wrk:
        script = workdir / "paths.lua"
        script.write_text(WRK_SCRIPT, encoding="utf-8")
        args = [wrk, "-t2", f"-c{CLIENTS}", f"-d{seconds:.0f}s", "-s", str(script),
                f"http://{HOST}:{port}"]  # fmt: skip
        env = os.environ | {"BENCH_PATHS": str(paths_file)}
        out = subprocess.run(args, env=env, capture_output=True, text=True, check=True).stdout
        line = next(x for x in out.splitlines() if x.startswith("BENCH_JSON "))
        result = json.loads(line.removeprefix("BENCH_JSON "))
        result["requests_per_s"] = round(result["requests"] / result["seconds"], 1)
        result["generator"] = "wrk"
        return result
    args = [sys.executable, str(REPO / "bench" / "loadgen.py"), HOST, str(port),
            str(seconds), str(CLIENTS), str(paths_file)]  # fmt: skip
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return json.loads(out) | {"generator": "python (bench/loadgen.py)"}


def measure_checks(url: str, classes: dict[str, list[str]], seconds: float,
                   workdir: Path) -> dict[str, Any]:  # fmt: skip
    """Verify, warm up, then load each class of queries and the bare constant endpoint."""
    with server(url, workdir) as info:
        port = info["port"]
        correctness = {name: verify(port, name, paths) for name, paths in classes.items()}
        load(port, classes["hit"] + classes["miss"], min(seconds, 5), workdir)  # warm-up
        results = {name: load(port, paths, seconds, workdir) for name, paths in classes.items()}
        results["bare"] = load(port, ["/bench/constant"], seconds, workdir)
    if not shutil.which("wrk"):
        print("  (wrk not found: `apt-get install -y wrk` for a faster load generator)")
    return {"server": info, "correctness": correctness, "load": results}
