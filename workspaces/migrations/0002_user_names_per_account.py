"""User names unique per account, not globally (issue 13, F13): sub-users sign in as
`name@<account alias>`, owners and operators by name. Every existing account's alias is its uid (as
RAM's default `<uid>.onaliyun.com`); operators may set a friendlier one in admin."""

import django.core.validators
import django.db.models.functions.text
import workspaces.iam.models.users
from django.db import migrations, models


def alias_from_uid(apps, schema_editor):
    Account = apps.get_model("workspaces", "Account")
    for account in Account.objects.filter(alias=""):
        Account.objects.filter(pk=account.pk).update(alias=account.uid)


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('workspaces', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelManagers(
            name='user',
            managers=[
                ('objects', workspaces.iam.models.users.ConsoleUserManager()),
            ],
        ),
        # Added blank, filled with each account's uid, then made unique.
        migrations.AddField(
            model_name='account',
            name='alias',
            field=models.CharField(blank=True, default='', max_length=32),
            preserve_default=False,
        ),
        migrations.RunPython(alias_from_uid, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='account',
            name='alias',
            field=models.CharField(blank=True, help_text='Sub-users sign in as name@alias. 3 to 32 lowercase letters, digits or hyphens, starting and ending with a letter or digit; the uid if left blank.', max_length=32, unique=True, validators=[django.core.validators.RegexValidator('^[a-z0-9][a-z0-9-]{1,30}[a-z0-9]\\Z', 'The alias must be 3 to 32 lowercase letters, digits or hyphens, starting and ending with a letter or digit.')]),
        ),
        migrations.AlterField(
            model_name='user',
            name='username',
            field=models.CharField(help_text='1 to 64 letters (a-z, A-Z), digits, dots, hyphens or underscores, starting with a letter or digit. Unique in its account.', max_length=150, validators=[django.core.validators.RegexValidator('^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\\Z', 'A user name is 1 to 64 letters (a-z, A-Z), digits, dots, hyphens or underscores, starting with a letter or digit.')], verbose_name='user name'),
        ),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('username'), models.F('account'), name='user_name_unique_in_account', violation_error_message='A user with this name already exists in the account.'),
        ),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('username'), condition=models.Q(('account__isnull', True), ('is_account_owner', True), _connector='OR'), name='user_sign_in_name_unique', violation_error_message='An account owner or operator already signs in with this name.'),
        ),
    ]
