"""Celery tasks of the workspaces app: thin faces over services. They take ids, never objects."""

from celery import shared_task


@shared_task(name="workspaces.tasks.raise_job_timeouts")
def raise_job_timeouts() -> int:
    """Raise Job Timeout once for every DLC job running past its scheduling timeout."""
    from workspaces.services.resources.dlc import dlc_jobs_raise_timeouts

    return dlc_jobs_raise_timeouts()
