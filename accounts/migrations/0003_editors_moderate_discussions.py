from django.db import migrations


def sync_editors(apps, schema_editor):
    from accounts.editors import sync_editors_group

    sync_editors_group(apps)


class Migration(migrations.Migration):
    """Give editors the discussion moderation permissions, now that discussions exist."""

    dependencies = [
        ("accounts", "0002_editors_group"),
        ("discussions", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_editors, migrations.RunPython.noop)]
