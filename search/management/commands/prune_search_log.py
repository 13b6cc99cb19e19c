from django.core.management.base import BaseCommand

from search.services import LOG_KEEP_DAYS, prune_search_log


class Command(BaseCommand):
    help = "Delete search log rows (the trending log) older than --days (default 30)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=LOG_KEEP_DAYS)

    def handle(self, *args, days, **options):
        deleted = prune_search_log(days=max(days, 0))
        noun = "row" if deleted == 1 else "rows"
        self.stdout.write(
            f"Deleted {deleted} search log {noun} older than {days} days."
        )
