from django.db import models

from notifications.channels.default_templates import DEFAULT_LANGUAGE, LANGUAGE_LABELS

LANGUAGE_CHOICES = list(LANGUAGE_LABELS.items())


class AccountMessageSettings(models.Model):
    """An account's message language: what its targets' messages are written in unless a target
    chooses (no row: the console's language, zh-CN when it runs in Chinese, else en-US)."""

    account = models.OneToOneField("workspaces.Account", on_delete=models.CASCADE, related_name="message_settings")
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, default=DEFAULT_LANGUAGE)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "account message settings"

    def __str__(self) -> str:
        return f"messages in {self.language}"
