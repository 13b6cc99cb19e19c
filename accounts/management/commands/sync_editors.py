from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.editors import GROUP_NAME, sync_editors_group


class Command(BaseCommand):
    help = "Create or repair the Editors group's permissions; optionally make a member an editor."

    def add_arguments(self, parser):
        parser.add_argument(
            "--add", metavar="EMAIL", help="Make this member staff and an editor."
        )

    def handle(self, *args, add=None, **options):
        group = sync_editors_group()
        self.stdout.write(f"{GROUP_NAME}: {group.permissions.count()} permissions.")
        if add:
            try:
                member = get_user_model().objects.get(email__iexact=add)
            except get_user_model().DoesNotExist as error:
                raise CommandError(f"No member with the email {add}") from error
            member.is_staff = True
            member.save(update_fields=["is_staff"])
            member.groups.add(group)
            self.stdout.write(f"{member.email} is now an editor.")
