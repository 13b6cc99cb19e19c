"""Settings for the benchmark's server only: the site's own, plus `bench.urls`.

`./dev bench` starts gunicorn with DJANGO_SETTINGS_MODULE=bench.settings so
that it can add one URL the site does not have (`POST /bench/noop/`, the
floor a vote is compared with); everything else is the production settings
as they are. Never used outside the benchmark.
"""

from remedies_site.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
