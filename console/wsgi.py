import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
application = get_wsgi_application()

# A WSGI server (gunicorn) runs no system checks of its own: without real keys (DEBUG off) the web
# process stops here, as runserver, the Celery worker and beat do (console/checks.py).
from console.checks import run_startup_checks  # noqa: E402

run_startup_checks("the web process")
