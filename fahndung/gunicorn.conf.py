"""gunicorn settings for a Fahndung web node: `gunicorn -c fahndung/gunicorn.conf.py fahndung.wsgi`.

Every value can be overridden from the environment (GUNICORN_* below, or gunicorn's own
GUNICORN_CMD_ARGS). docs/operations.md explains the choices.
"""

from __future__ import annotations

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: requests are short (uploads are capped, photo work runs in Celery); two per core.
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1))))
worker_class = "sync"
# Longer than the slowest legitimate request (a 40 MB upload on a slow line passes nginx's
# buffering first, so gunicorn sees it at LAN speed).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so no slow leak accumulates; jitter avoids all restarting at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Only nginx on this host may set X-Forwarded-*; Django's FAHNDUNG_TRUSTED_PROXIES decides
# which X-Forwarded-For hops count for rate limiting.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access log without the client address (%(h)s) and without the user agent (tipster privacy).
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Django is loaded once in the master and forked: less memory per worker.
preload_app = True


def child_exit(server, worker):
    """prometheus_client multiprocess mode: drop the files of a worker that has gone."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
