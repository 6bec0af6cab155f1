"""Per-bot rate limits, shared by every worker: DingTalk 20 a minute, WeCom 20 a minute, Lark 5 a
second and 100 a minute (each adapter declares its own `rate_limits`).

A sliding window (a log of send times), so that no minute, wherever it starts, holds more than the
limit; a fixed window would let 40 through across a boundary. The log lives in Redis when
`RATE_LIMIT_REDIS_URL` is set (one Lua script: check and record atomically), else in the database
(`RateLimitBucket`, one row per bot, locked while checked). Keys are hashes of the webhook, never the
webhook itself.

A platform that throttles a bot anyway (DingTalk's 130101, WeCom's 45009, a 429) pauses it for
everyone: `rate_limit_pause` makes every acquire wait until the platform's window has passed.

`rate_limit_acquire` either takes a slot (`slot.wait == 0`) or takes nothing and says how many
seconds until the window has room: the delivery waits that long (nothing is dropped). After the send,
`rate_limit_sent(slot)` moves the slot's time to the moment the answer came back: the bot received
the message before that, so counting from then keeps the bot's own count under its limit whatever
the network and scheduling delays between taking the slot and the request reaching the bot.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import redis
from django.conf import settings
from django.db import transaction

from notifications.channels.base import scaled_window
from notifications.models import RateLimitBucket

logger = logging.getLogger(__name__)

Clock = Callable[[], float]  # seconds since the epoch, as time.time

# A window a little longer than the platform's: the bot's clock and ours need not agree exactly.
SAFETY_FACTOR = 1.02
SAFETY_SECONDS = 0.05
# Waiting deliveries wake spread out, not all at once on the same freed slot.
WAKE_JITTER = 0.1
# Redis unreachable: the count cannot be checked, so wait (delay, never exceed the bot's limit).
UNAVAILABLE_WAIT_SECONDS = 5.0

# ARGV: the caller's clock ("" to read Redis's own TIME, one clock for every worker), the longest
# window, the member, then (limit, window) pairs.
_ACQUIRE_SCRIPT = """
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return tostring(paused / 1000) end
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local longest = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - longest)
local wait = 0
for i = 4, #ARGV, 2 do
  local limit = tonumber(ARGV[i])
  local window = tonumber(ARGV[i + 1])
  local count = redis.call('ZCOUNT', KEYS[1], '(' .. (now - window), '+inf')
  if count >= limit then
    local oldest = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - window), '+inf', 'WITHSCORES', 'LIMIT',
                              count - limit, 1)
    local until_free = tonumber(oldest[2]) + window - now
    if until_free > wait then wait = until_free end
  end
end
if wait > 0 then return tostring(wait) end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(longest * 1000) + 1000)
return '0'
"""

_SENT_SCRIPT = """
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  local now = tonumber(ARGV[2])
  if not now then
    local t = redis.call('TIME')
    now = tonumber(t[1]) + tonumber(t[2]) / 1000000
  end
  redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
end
return 0
"""


@dataclass
class RateLimitSlot:
    """One send's place in a bot's window, or (wait > 0) the time until there is one."""

    wait: float = 0.0
    key: str = ""  # "" when the send is not limited
    member: str = ""

    @property
    def taken(self) -> bool:
        return self.wait <= 0


def bucket_key(channel_key: str, identity: str) -> str:
    return f"{channel_key}:{hashlib.sha256(identity.encode('utf-8')).hexdigest()[:48]}"


def effective_limits(limits) -> list[tuple[int, float]]:
    return [(int(count), scaled_window(window) * SAFETY_FACTOR + SAFETY_SECONDS) for count, window in limits]


def wait_for_room(hits: list[float], limits: list[tuple[int, float]], now: float) -> float:
    """Seconds until every window has room for one more send (0: now)."""
    hits = sorted(hits)
    wait = 0.0
    for count, window in limits:
        recent = [hit for hit in hits if hit > now - window]
        if len(recent) >= count:
            wait = max(wait, recent[len(recent) - count] + window - now)
    return wait


def rate_limit_acquire(*, channel_key: str, identity: str, limits, clock: Clock | None = None) -> RateLimitSlot:
    """Take one send from the bot's budget, or nothing and the seconds to wait. No identity or no
    limits: always taken. `clock` (seconds since the epoch) is read instead of the real time: the
    database's `time.time`, Redis's own TIME (tests step a clock instead of sleeping)."""
    if not identity or not limits:
        return RateLimitSlot()
    windows = effective_limits(limits)
    key = bucket_key(channel_key, identity)
    member = uuid.uuid4().hex
    if settings.RATE_LIMIT_REDIS_URL:
        wait = _acquire_redis(key, windows, member, clock)
    else:
        wait = _acquire_database(key, windows, member, clock or time.time)
    if wait > 0:
        return RateLimitSlot(wait=wait * (1 + random.uniform(0, WAKE_JITTER)))
    return RateLimitSlot(key=key, member=member)


def rate_limit_sent(slot: RateLimitSlot, *, clock: Clock | None = None) -> None:
    """The send of `slot` is over (answered, refused or timed out): count it from now (`clock`: as
    for `rate_limit_acquire`)."""
    rate_limit_sent_many([slot], clock=clock)


def rate_limit_sent_many(slots: list[RateLimitSlot], *, clock: Clock | None = None) -> None:
    """`rate_limit_sent` for several sends (a routing pass's): one Redis round trip for all of them."""
    slots = [slot for slot in slots if slot.key and slot.taken]
    if not slots:
        return
    try:
        if settings.RATE_LIMIT_REDIS_URL:
            _, sent = _redis(settings.RATE_LIMIT_REDIS_URL)
            pipe = sent.registered_client.pipeline(transaction=False)
            for slot in slots:
                sent(keys=[redis_key(slot.key)], args=[slot.member, _clock_arg(clock)], client=pipe)
            pipe.execute()
        else:
            for slot in slots:
                _sent_database(slot, clock or time.time)
    except Exception:  # the slots keep their earlier time: a little less margin, never a lost delivery
        logger.warning("rate limiter: could not move the slots of %s finished sends", len(slots), exc_info=True)


def rate_limit_pause(*, channel_key: str, identity: str, seconds: float) -> None:
    """The platform throttled this bot (a "throttled" answer, notifications.channels.answers): no
    send to it, from any worker, for `seconds`. A pause never shortens one already running."""
    if not identity or seconds <= 0:
        return
    key = bucket_key(channel_key, identity)
    try:
        if settings.RATE_LIMIT_REDIS_URL:
            client = redis.Redis.from_url(settings.RATE_LIMIT_REDIS_URL, socket_timeout=5, socket_connect_timeout=2)
            pause_key = redis_pause_key(key)
            if (client.pttl(pause_key) or 0) < seconds * 1000:
                client.set(pause_key, "1", px=max(1, int(seconds * 1000)))
        else:
            RateLimitBucket.objects.get_or_create(key=key)
            with transaction.atomic():
                bucket = RateLimitBucket.objects.select_for_update().get(key=key)
                bucket.paused_until = max(bucket.paused_until, time.time() + seconds)
                bucket.save(update_fields=["paused_until", "updated_at"])
    except Exception:  # the delivery still waits its own retry_after; only other workers miss the pause
        logger.warning("rate limiter: could not record a pause of %s s", seconds, exc_info=True)


# --- Redis ---------------------------------------------------------------------------------------
@lru_cache(maxsize=4)
def _redis(url: str):
    client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
    return client.register_script(_ACQUIRE_SCRIPT), client.register_script(_SENT_SCRIPT)


def redis_key(key: str) -> str:
    return f"{getattr(settings, 'RATE_LIMIT_KEY_PREFIX', 'pai-notify:ratelimit:')}{key}"


def _clock_arg(clock: Clock | None) -> str:
    return "" if clock is None else repr(float(clock()))


def redis_pause_key(key: str) -> str:
    return redis_key(f"pause:{key}")


def _acquire_redis(key: str, windows: list[tuple[int, float]], member: str, clock: Clock | None) -> float:
    script, _ = _redis(settings.RATE_LIMIT_REDIS_URL)
    longest = max(window for _, window in windows)
    args = [_clock_arg(clock), longest, member]
    for count, window in windows:
        args += [count, window]
    try:
        return float(script(keys=[redis_key(key), redis_pause_key(key)], args=args))
    except redis.RedisError:
        logger.warning("rate limiter: Redis is unavailable; the delivery waits %s s", UNAVAILABLE_WAIT_SECONDS)
        return UNAVAILABLE_WAIT_SECONDS


# --- database ------------------------------------------------------------------------------------
# Hits are [time, member] pairs.
def _acquire_database(key: str, windows: list[tuple[int, float]], member: str, clock: Clock) -> float:
    RateLimitBucket.objects.get_or_create(key=key)  # (get_or_create survives a concurrent create)
    longest = max(window for _, window in windows)
    with transaction.atomic():
        bucket = RateLimitBucket.objects.select_for_update().get(key=key)
        now = clock()
        if bucket.paused_until > now:
            return bucket.paused_until - now
        hits = [hit for hit in bucket.hits if hit[0] > now - longest]
        wait = wait_for_room([hit[0] for hit in hits], windows, now)
        if wait <= 0:
            hits.append([now, member])
        bucket.hits = hits
        bucket.save(update_fields=["hits", "updated_at"])
    return wait


def _sent_database(slot: RateLimitSlot, clock: Clock) -> None:
    with transaction.atomic():
        bucket = RateLimitBucket.objects.select_for_update().filter(key=slot.key).first()
        if bucket is None:
            return
        now = clock()
        bucket.hits = sorted(([now, member] if member == slot.member else [at, member]) for at, member in bucket.hits)
        bucket.save(update_fields=["hits", "updated_at"])
