from django.db import models


class RateLimitBucket(models.Model):
    """The database backend of the per-bot rate limiter (used when there is no Redis): one row per
    bot, holding the send times of its longest window. Rows are locked while checked, so workers
    share one count. The key is a hash of the webhook, never the webhook itself."""

    key = models.CharField(max_length=96, unique=True)
    hits = models.JSONField(default=list, blank=True)  # epoch seconds, oldest first
    # The platform throttled the bot: no send before this (epoch seconds; 0 = not paused).
    paused_until = models.FloatField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key
