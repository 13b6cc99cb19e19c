import time
from dataclasses import fields, replace

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from demo.scale import PRESETS, ScaleError, load


class Command(BaseCommand):
    help = (
        "Fill an EMPTY database with made-up content at scale for benchmarks: "
        "by default 10,000 remedies, 2,000 ailments, 100,000 evidence pages, "
        "20,000 studies, 50,000 members, 1,000,000 votes and 1,000,000 comments. "
        "Fast on PostgreSQL (COPY); SQLite takes the small preset only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--preset",
            choices=sorted(PRESETS),
            default="full",
            help="Sizes to start from (default full); the options below override them.",
        )
        for f in fields(PRESETS["full"]):
            parser.add_argument(
                f"--{f.name}",
                type=int,
                help=f"How many {f.name} (full: {getattr(PRESETS['full'], f.name):,}).",
            )
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options):
        sizes = PRESETS[options["preset"]]
        sizes = replace(
            sizes,
            **{
                f.name: options[f.name]
                for f in fields(sizes)
                if options.get(f.name) is not None
            },
        )
        started = time.perf_counter()

        def log(message):
            self.stdout.write(f"[{time.perf_counter() - started:6.1f} s] {message}")

        log(
            "Loading "
            + ", ".join(f"{getattr(sizes, f.name):,} {f.name}" for f in fields(sizes))
        )
        try:
            # With DEBUG on, Django keeps the text of every statement: the
            # search index's bulk inserts alone would hold hundreds of megabytes.
            with override_settings(DEBUG=False):
                counts = load(sizes, seed=options["seed"], log=log)
        except ScaleError as error:
            raise CommandError(str(error)) from error
        log(
            "Done: "
            + ", ".join(f"{n:,} {kind}" for kind, n in counts.items())
            + f" in {time.perf_counter() - started:.1f} s."
        )
