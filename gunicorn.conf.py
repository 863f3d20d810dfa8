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
