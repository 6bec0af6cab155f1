import threading
import time
import uuid

import pytest

from notifications.models import RateLimitBucket
from notifications.services.ratelimit import bucket_key, rate_limit_acquire, rate_limit_sent

DINGTALK = ((20, 60.0),)
LARK = ((5, 1.0), (100, 60.0))
REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture(params=["database", "redis"])
def backend(request, settings, db):
    if request.param == "redis":
        import redis

        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        except redis.RedisError:
            pytest.skip("redis at 127.0.0.1:6379 is not running")
        settings.RATE_LIMIT_REDIS_URL = REDIS_URL
        settings.RATE_LIMIT_KEY_PREFIX = f"test-{uuid.uuid4().hex}:"
    else:
        settings.RATE_LIMIT_REDIS_URL = ""
    return request.param


class SteppedClock:
    """The limiter's clock in these tests: it moves only when told (no test sleeps)."""

    def __init__(self):
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def acquire(identity, limits=DINGTALK, channel="dingtalk", clock=None):
    return rate_limit_acquire(channel_key=channel, identity=identity, limits=limits, clock=clock).wait


def test_twenty_a_minute_then_a_wait_until_the_first_leaves_the_window(backend):
    webhook = f"https://oapi.dingtalk.com/robot/send?access_token={uuid.uuid4().hex}"
    assert [acquire(webhook) for _ in range(20)] == [0.0] * 20
    wait = acquire(webhook)
    assert 59 < wait < 70
    assert acquire(webhook) > 0  # a refused try takes nothing from the budget, and nothing frees up


def test_each_bot_has_its_own_budget(backend):
    first, second = (f"https://oapi.dingtalk.com/robot/send?access_token={uuid.uuid4().hex}" for _ in range(2))
    for _ in range(20):
        acquire(first)
    assert acquire(first) > 0 and acquire(second) == 0.0


def test_lark_five_a_second_and_the_window_slides(backend):
    clock = SteppedClock()
    webhook = f"https://open.feishu.cn/open-apis/bot/v2/hook/{uuid.uuid4()}"
    assert [acquire(webhook, LARK, "lark", clock) for _ in range(5)] == [0.0] * 5
    wait = acquire(webhook, LARK, "lark", clock)
    # One second with the limiter's margin (x 1.02 + 0.05 s), plus at most 10% wake jitter.
    assert 1.07 <= wait <= 1.07 * 1.1 + 1e-6
    clock.advance(wait / 2)
    assert acquire(webhook, LARK, "lark", clock) > 0  # half the wait: still full
    clock.advance(wait / 2)
    assert acquire(webhook, LARK, "lark", clock) == 0.0


def test_the_database_backend_keys_by_a_hash_never_the_webhook(settings, db):
    settings.RATE_LIMIT_REDIS_URL = ""
    webhook = "https://oapi.dingtalk.com/robot/send?access_token=supersecrettoken"
    acquire(webhook)
    [bucket] = RateLimitBucket.objects.all()
    assert bucket.key == bucket_key("dingtalk", webhook)
    assert "supersecrettoken" not in bucket.key and len(bucket.hits) == 1
    assert "supersecrettoken" not in str(bucket.hits)


def test_a_send_counts_from_when_it_was_answered_not_when_its_slot_was_taken(backend):
    """Sends taken at t and answered at t + d keep their places until t + d + window: the bot may
    have received them as late as t + d."""
    clock = SteppedClock()
    webhook = f"https://oapi.dingtalk.com/robot/send?access_token={uuid.uuid4().hex}"
    slots = [rate_limit_acquire(channel_key="dingtalk", identity=webhook, limits=DINGTALK, clock=clock)
             for _ in range(20)]
    assert all(slot.taken for slot in slots)
    clock.advance(30)
    for slot in slots:
        rate_limit_sent(slot, clock=clock)  # answered only now, 30 s after the slots were taken
    wait = acquire(webhook, clock=clock)
    # A full window from the answers: 60 s x 1.02 + 0.05 s = 61.25 s (from the slots: 31.25 s).
    assert 61.25 - 1e-6 <= wait <= 61.25 * 1.1 + 1e-6


def test_no_identity_or_no_limits_is_never_limited(db):
    assert rate_limit_acquire(channel_key="http", identity="", limits=DINGTALK).taken
    assert rate_limit_acquire(channel_key="http", identity="x", limits=()).taken


def _race(settings_redis_url: str, webhook: str, results: list, barrier: threading.Barrier):
    from django.db import connection

    try:
        barrier.wait()
        for _ in range(10):
            results.append(acquire(webhook))
    finally:
        connection.close()


@pytest.mark.parametrize("use_redis", [False, True], ids=["database", "redis"])
def test_concurrent_workers_share_one_budget(transactional_db, settings, use_redis):
    if use_redis:
        import redis

        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        except redis.RedisError:
            pytest.skip("redis at 127.0.0.1:6379 is not running")
        settings.RATE_LIMIT_KEY_PREFIX = f"test-{uuid.uuid4().hex}:"
    settings.RATE_LIMIT_REDIS_URL = REDIS_URL if use_redis else ""
    webhook = f"https://oapi.dingtalk.com/robot/send?access_token={uuid.uuid4().hex}"
    results: list[float] = []
    barrier = threading.Barrier(4)
    threads = [threading.Thread(target=_race, args=(settings.RATE_LIMIT_REDIS_URL, webhook, results, barrier))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 40
    assert results.count(0.0) == 20


def test_when_redis_is_unreachable_the_delivery_waits_instead_of_exceeding_the_limit(settings, db):
    settings.RATE_LIMIT_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    wait = acquire(f"https://oapi.dingtalk.com/robot/send?access_token={uuid.uuid4().hex}")
    assert wait >= 5.0


def test_a_pass_moves_all_its_slots_to_the_end_of_its_sends_at_once(backend):
    """rate_limit_sent_many (a routing pass's sends, one Redis round trip): slots taken 30 s ago
    count from now, as one by one."""
    from notifications.services.ratelimit import rate_limit_sent_many

    clock = SteppedClock()
    clock.advance(-30)
    webhook = f"https://oapi.dingtalk.com/robot/send?access_token={uuid.uuid4().hex}"
    slots = [rate_limit_acquire(channel_key="dingtalk", identity=webhook, limits=DINGTALK, clock=clock)
             for _ in range(20)]
    rate_limit_sent_many(slots)  # answered now
    wait = acquire(webhook)
    # A full window from now: 60 s x 1.02 + 0.05 s = 61.25 s (from the slots: 31.25 s).
    assert 61.0 <= wait <= 61.25 * 1.1 + 1e-6
