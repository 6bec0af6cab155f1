"""`manage.py deploy`: what every deploy runs once, before starting the processes of the Procfile:
the deployment checks, `migrate`, `collectstatic` (hashed, compressed copies that whitenoise serves)
and an empty metrics directory. Safe to run again."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from console.metrics import metrics_clear_directory


class Command(BaseCommand):
    help = "Check the deployment settings, migrate the database, collect static files, reset the metrics files."

    def add_arguments(self, parser):
        parser.add_argument("--skip-checks-deploy", action="store_true",
                            help="Do not run `check --deploy` (its warnings never stop a deploy; errors do).")

    def handle(self, *args, skip_checks_deploy=False, **options):
        verbosity = options.get("verbosity", 1)
        if not skip_checks_deploy:
            self.stdout.write("== check --deploy")
            call_command("check", deploy=True, fail_level="ERROR", verbosity=verbosity)
        self.stdout.write("== migrate")
        call_command("migrate", interactive=False, verbosity=verbosity)
        self.stdout.write("== collectstatic")
        call_command("collectstatic", interactive=False, verbosity=verbosity)
        removed = metrics_clear_directory()
        if removed:
            self.stdout.write(f"== metrics: removed {removed} files of the previous run")
        self.stdout.write(self.style.SUCCESS("Deployed: start the processes of the Procfile (`honcho start`)."))
