from celery import shared_task


@shared_task(name="console.tasks.ping")
def ping(marker_path: str, value: str) -> str:
    """Write `value` to `marker_path`: the smallest proof that a worker took a task from the broker."""
    with open(marker_path, "w", encoding="utf-8") as handle:
        handle.write(value)
    return value


@shared_task(name="console.tasks.purge_consumed_broker_messages")
def purge_consumed_broker_messages() -> int:
    """kombu's SQLAlchemy transport marks consumed messages invisible but never deletes them."""
    from django.conf import settings

    url = settings.CELERY_BROKER_URL
    if not url.startswith("sqla+"):
        return 0
    import sqlalchemy

    engine = sqlalchemy.create_engine(url.removeprefix("sqla+"))
    try:
        with engine.begin() as conn:
            if not sqlalchemy.inspect(conn).has_table("kombu_message"):
                return 0
            result = conn.execute(sqlalchemy.text("DELETE FROM kombu_message WHERE visible = 0"))
            return result.rowcount or 0
    finally:
        engine.dispose()


@shared_task(name="console.tasks.prune_history")
def prune_history() -> dict:
    """Daily (beat): delete history past EVENT_RETENTION_DAYS / AUDIT_RETENTION_DAYS and expired
    sessions, in batches, for at most 30 minutes a run (the next run goes on)."""
    from console.retention import prune_history as prune

    return prune(max_seconds=1800).as_dict()
