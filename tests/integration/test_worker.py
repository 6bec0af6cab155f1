import time
import uuid

import pytest

from console.tasks import ping

pytestmark = pytest.mark.integration


def test_a_task_enqueued_here_is_run_by_a_real_worker_process(start_worker, tmp_path):
    start_worker()
    marker = tmp_path / "marker.txt"
    value = uuid.uuid4().hex
    ping.delay(str(marker), value)
    deadline = time.monotonic() + 20
    # The worker creates the file, then writes it: wait for the value, not for the file.
    while time.monotonic() < deadline and not (marker.exists() and marker.read_text() == value):
        time.sleep(0.05)
    assert marker.read_text() == value
