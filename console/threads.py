"""Thread pools that belong to one process: built on first use, and built again in a child after a
fork (threads do not survive one), so that gunicorn and Celery's prefork children each get their own."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

_lock = threading.Lock()
_pools: dict[str, tuple[int, ThreadPoolExecutor]] = {}


def process_pool(name: str, size: int) -> ThreadPoolExecutor:
    """The process's pool called `name`, of `size` threads (the size of its first use)."""
    with _lock:
        found = _pools.get(name)
        if found is None or found[0] != os.getpid():
            found = _pools[name] = (os.getpid(), ThreadPoolExecutor(max_workers=max(1, int(size)),
                                                                    thread_name_prefix=name))
        return found[1]
