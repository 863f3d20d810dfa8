"""gunicorn settings for stopheling (documented in the README; override with env vars)."""

import os

bind = os.environ.get("STOPHELING_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("STOPHELING_WORKERS", "2"))
threads = int(os.environ.get("STOPHELING_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 30
keepalive = 5
max_requests = 10_000
max_requests_jitter = 1_000
# Identifiers in query strings are personal data (a plate identifies a person):
# the access log records the path without the query string.
accesslog = os.environ.get("STOPHELING_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'

# Prometheus metrics of all worker processes (stopheling/metrics.py): each process writes
# its counters into PROMETHEUS_MULTIPROC_DIR and /metrics adds them up. Set it to share the
# folder with `stopheling worker` (scripts/start does, and empties it before starting);
# without it, gunicorn makes a fresh folder of its own and removes it on exit.
_own_metrics_dir = None
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    import tempfile

    _own_metrics_dir = tempfile.mkdtemp(prefix="stopheling-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _own_metrics_dir
os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)


def child_exit(server, worker):
    """A worker process ended: its live gauges no longer count (its counters still do)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _own_metrics_dir:
        import shutil

        shutil.rmtree(_own_metrics_dir, ignore_errors=True)
