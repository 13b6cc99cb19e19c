from django.db import migrations


def sync_editors(apps, schema_editor):
    from accounts.editors import sync_editors_group

    sync_editors_group(apps)


class Migration(migrations.Migration):
    """Let editors take terms out of Trending now, now that hidden terms exist."""

    dependencies = [
        ("accounts", "0003_editors_moderate_discussions"),
        ("search", "0003_hiddentrendingterm"),
    ]

    operations = [migrations.RunPython(sync_editors, migrations.RunPython.noop)]
