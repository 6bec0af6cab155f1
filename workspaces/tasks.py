"""Celery tasks of the workspaces app: thin faces over services. They take ids, never objects."""

from celery import shared_task

from workspaces.pai_resources.services.dlc import dlc_jobs_raise_timeouts


@shared_task(name="workspaces.tasks.raise_job_timeouts")
def raise_job_timeouts() -> int:
    """Raise Job Timeout once for every DLC job running past its scheduling timeout."""
    return dlc_jobs_raise_timeouts()
