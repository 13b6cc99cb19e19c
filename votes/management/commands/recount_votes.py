from django.core.management.base import BaseCommand

from votes.services import recount_tallies


class Command(BaseCommand):
    help = "Recount every evidence page's vote tallies from the vote rows; report and fix drift."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Only report drift; change nothing."
        )

    def handle(self, *args, check: bool = False, **options):
        drift = recount_tallies(fix=not check)
        for d in drift:
            self.stdout.write(
                f"page {d.page_id}: stored {d.stored[0]} up / {d.stored[1]} down, "
                f"rows say {d.counted[0]} up / {d.counted[1]} down"
            )
        verb = "found" if check else "fixed"
        self.stdout.write(
            f"Drift {verb} on {len(drift)} page{'s' if len(drift) != 1 else ''}."
        )
