from django.db import migrations


def create_editors_group(apps, schema_editor):
    from accounts.editors import sync_editors_group

    sync_editors_group(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("ailments", "0002_history"),
        ("remedies", "0002_history_and_study_links"),
        ("votes", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_editors_group, migrations.RunPython.noop)]
