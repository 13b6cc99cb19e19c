from django.db import migrations


def sync_editors(apps, schema_editor):
    from accounts.editors import sync_editors_group

    sync_editors_group(apps)


class Migration(migrations.Migration):
    """Let editors review members' suggestions, now that suggestions exist."""

    dependencies = [
        ("accounts", "0003_editors_moderate_discussions"),
        ("community", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_editors, migrations.RunPython.noop)]
