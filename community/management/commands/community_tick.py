from django.core.management.base import BaseCommand

from community import services, tasks


class Command(BaseCommand):
    help = (
        "Do the community's periodic work now (today's digests when due, queue "
        "again what a stopped worker left undone), and make sure the next tick is "
        "queued for the workers. Safe to run at any time, on any machine."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue-only",
            action="store_true",
            help="Only make sure the recurring tick is queued.",
        )

    def handle(self, *, queue_only: bool, verbosity: int, **options):
        tasks.ensure_tick()
        if queue_only:
            return
        activities, emails = services.recover()
        digests = services.send_digests()
        if verbosity:
            self.stdout.write(
                f"Queued again: {activities} activities, {emails} emails. "
                f"Digests made: {digests}."
            )
