"""gunicorn's configuration for the console's web process (the Procfile's `web` line). Every value
can be changed through the environment; the defaults suit one small host behind a TLS proxy."""

import os

# WEB_BIND wins; else WEB_HOST:PORT (honcho gives the Procfile's first process $PORT).
bind = os.environ.get("WEB_BIND") or f"{os.environ.get('WEB_HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Synchronous workers: each holds one PostgreSQL connection (README "Scaling out").
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))  # a request longer than this is killed (the worker restarts)
graceful_timeout = 30
keepalive = 5
# Replace a worker after this many requests (plus jitter) to bound a slow leak; 0: never. Off by
# default: each new worker process adds its own metrics files, read at every scrape.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
# Trust X-Forwarded-Proto / -For from the TLS proxy only (same host by default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
# Set by manage.py's Django settings for the workers; named here so the master's processes agree.
raw_env = [f"DJANGO_SETTINGS_MODULE={os.environ.get('DJANGO_SETTINGS_MODULE', 'console.settings')}"]
# gunicorn's control socket (gunicornc), per installation rather than one per user account.
control_socket = os.path.join(os.environ.get("VAR_DIR", "var"), "gunicorn.ctl")
