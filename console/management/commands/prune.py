"""`manage.py prune`: delete events (with their deliveries and attempts) older than
EVENT_RETENTION_DAYS, audit entries older than AUDIT_RETENTION_DAYS and expired sessions, in
batches. Beat runs the same daily; run it by hand after lowering a retention setting."""

from django.core.management.base import BaseCommand

from console.retention import prune_history


class Command(BaseCommand):
    help = "Delete history past its retention (events, deliveries, attempts, audit entries, expired sessions)."

    def add_arguments(self, parser):
        parser.add_argument("--event-days", type=int,
                            help="Keep events this many days (default: EVENT_RETENTION_DAYS).")
        parser.add_argument("--audit-days", type=int, help="Keep audit entries this many days "
                                                           "(default: AUDIT_RETENTION_DAYS).")
        parser.add_argument("--batch-size", type=int, help="Rows per batch (default: PRUNE_BATCH_SIZE).")
        parser.add_argument("--max-seconds", type=float, help="Stop after this long; the next run goes on.")

    def handle(self, *args, event_days=None, audit_days=None, batch_size=None, max_seconds=None, **options):
        for name, value in (("--event-days", event_days), ("--audit-days", audit_days), ("--batch-size", batch_size)):
            if value is not None and value < (1 if name == "--batch-size" else 0):
                self.stderr.write(f"{name} must be a positive number, not {value}.")
                raise SystemExit(2)
        result = prune_history(event_days=event_days, audit_days=audit_days, batch_size=batch_size,
                               max_seconds=max_seconds)
        self.stdout.write(
            f"Deleted {result.events} events (older than {result.cutoffs['events']:%Y-%m-%d %H:%M} UTC) with "
            f"{result.deliveries} deliveries and {result.attempts} attempts, {result.audit_entries} audit entries "
            f"(older than {result.cutoffs['audit']:%Y-%m-%d %H:%M} UTC) and {result.sessions} expired sessions, "
            f"in {result.batches} batches."
        )
        if not result.complete:
            self.stdout.write("Stopped at --max-seconds: run again to go on.")
