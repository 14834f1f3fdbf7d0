"""gunicorn settings for production: ``gunicorn -c deploy/gunicorn.conf.py "trainer:create_app()"``.

Everything can be overridden from the environment (GUNICORN_*), so one file serves every site.
Web processes do no speech recognition when REDIS_URL is set (``trainer worker`` does), so they are
sized for I/O: 2 × cores + 1 sync workers with a few threads each.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # behind nginx/HTTPS; never expose it directly
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Four threads on SQLite too: one thread per process shortened a submit's hold on SQLite's write lock (no GIL
# to win back from sibling threads) but halved autosave throughput, since a thread waiting for its commit's
# disk sync then blocks the whole process (trainer bench quiz, issue 18).
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# Uploads are ≤ 2 MB and recognition is queued, so 30 s covers any request; a hung one is restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers to bound any leak, but rarely: a worker starting up costs a second or two of CPU and its
# queued requests wait meanwhile. At 2000 every worker restarted once in the middle of an exam day's bursts
# (trainer bench quiz: 8,000 requests over 5 workers).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = 2000
limit_request_line = 8190
limit_request_fields = 100
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
preload_app = False  # each worker opens its own database pool after the fork

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# One JSON object per request, with the request id the app returns (X-Request-ID), for the log shipper.
access_log_format = (
    '{"ts":"%(t)s","type":"access","remote":"%(h)s","method":"%(m)s","path":"%(U)s","query":"%(q)s",'
    '"status":%(s)s,"bytes":"%(B)s","ms":%(M)s,"request_id":"%({x-request-id}o)s","agent":"%(a)s"}'
)
