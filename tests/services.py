"""The services the suite uses beyond Python, and which of them are missing on this machine.

`make test` prints the missing ones before it runs: the tests that need one are skipped, each naming
it (pytest's -ra summary lists them), so a green run without them says less than it seems.
Run `python -m tests.services` to see the list.
"""

from __future__ import annotations

import socket
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
REDIS = ("127.0.0.1", 6379)


def redis_answers(address: tuple[str, int] = REDIS, timeout: float = 1.0) -> bool:
    """Whether a Redis server answers PING at `address`."""
    try:
        with socket.create_connection(address, timeout=timeout) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def missing(*, chromium: Path = CHROMIUM, redis: tuple[str, int] = REDIS) -> list[str]:
    """One line per missing service: what it is, which tests skip without it, how to get it."""
    lines = []
    if not chromium.exists():
        lines.append(f"Chromium ({chromium}) is missing: the browser tests (tests/browser, tests/production) "
                     "are skipped. apt-get install -y chromium")
    if not redis_answers(redis):
        lines.append(f"Redis ({redis[0]}:{redis[1]}) is not answering: the rate limiter's Redis backend tests "
                     "are skipped and `make chaos` cannot run. apt-get install -y redis-server && "
                     "redis-server --daemonize yes")
    return lines


if __name__ == "__main__":
    for line in missing():
        print(f"note: {line}")
