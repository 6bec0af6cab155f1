# Sweepers and lists that stay cheap as history grows: partial indexes for the outbox and overdue
# sweeps, and the deliveries list's own index. Built CONCURRENTLY on PostgreSQL.

from django.db import migrations, models

from console.migration_operations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('notifications', '0007_delivery_workspace'),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name='delivery',
            index=models.Index(condition=models.Q(('status__in', ['pending', 'retrying'])), fields=['next_attempt_at'], name='delivery_active_due'),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name='delivery',
            index=models.Index(fields=['workspace', '-created_at', '-id'], name='delivery_list'),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name='delivery',
            index=models.Index(fields=['workspace', 'status', '-created_at', '-id'], name='delivery_list_status'),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name='event',
            index=models.Index(condition=models.Q(('routed_at__isnull', True), ('status', 'published')), fields=['id'], name='event_unrouted'),
        ),
    ]
