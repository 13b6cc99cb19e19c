from django.core.management.base import BaseCommand

from search.services import rebuild_index


class Command(BaseCommand):
    help = "Rewrite the search index from every remedy, ailment and evidence page."

    def handle(self, *args, **options):
        total = rebuild_index()
        noun = "entry" if total == 1 else "entries"
        self.stdout.write(f"Search index rebuilt: {total} {noun}.")
