"""The EAS service update channel in its own package: its channel key is `eas_update` (as its method's
and its package's name), and a target names its EAS service in its config only (the generic Target
no longer has an EAS foreign key)."""

from django.db import migrations


def forward(apps, schema_editor):
    Target = apps.get_model("notifications", "Target")
    Delivery = apps.get_model("notifications", "Delivery")
    for target in Target.objects.filter(eas_service__isnull=False).select_related("eas_service"):
        config = dict(target.config or {})
        config.setdefault("eas_service", target.eas_service_id)
        config.setdefault("eas_service_name", target.eas_service.name)
        if config != target.config:
            Target.objects.filter(pk=target.pk).update(config=config)
    Delivery.objects.filter(channel="eas").update(channel="eas_update")


def backward(apps, schema_editor):
    Target = apps.get_model("notifications", "Target")
    Delivery = apps.get_model("notifications", "Delivery")
    EasService = apps.get_model("workspaces", "EasService")
    for target in Target.objects.filter(method="eas_update"):
        service_id = (target.config or {}).get("eas_service")
        if service_id is not None and EasService.objects.filter(pk=service_id).exists():
            Target.objects.filter(pk=target.pk).update(eas_service_id=service_id)
    Delivery.objects.filter(channel="eas_update").update(channel="eas")


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_http_target_url_secret"),
        ("workspaces", "0003_account_outbound_allowed_networks"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="target", name="eas_service"),
    ]
