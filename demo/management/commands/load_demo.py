from django.core.management.base import BaseCommand, CommandError

from demo.loader import DemoContentError, load


class Command(BaseCommand):
    help = "Load (or refresh) the demo content from fixtures/demo/. Safe to run again."

    def handle(self, *args, **options):
        try:
            counts = load()
        except DemoContentError as error:
            raise CommandError(str(error)) from error
        created = ", ".join(f"{n} {kind}" for kind, n in counts.created.items())
        self.stdout.write(f"Demo content loaded. Newly created: {created}.")
