"""The benchmark: `./dev bench` (options: `./dev bench --help`).

1. Creates its own PostgreSQL database (remedies_bench; dropped first) and
   fills it with `load_scale` (full size unless `--preset small`), timing the
   load and its peak memory.
2. Starts the production server (`remedies_site/gunicorn.conf.py`, DEBUG
   off, Redis cache in db 2) on 127.0.0.1:8100 with
   DJANGO_SETTINGS_MODULE=bench.settings: the site's settings and URLs plus
   one bench-only URL, `POST /bench/noop/` (bench/urls.py, bench/views.py).
3. Runs `wrk` at 32 connections on /healthz; on the reference, a bare Django
   view (`/plain/` of ../shared/bench/baseline) with Django's stock
   middleware and with none, each on its own gunicorn beside ours with the
   same worker class, workers and threads; then on home, the remedies list,
   a remedy page, an evidence page, an ailment page, search results and
   search suggestions, as a visitor and as signed-in members, each between
   two short runs of /healthz. One table: req/s, p50, p95, p99, req/s as a
   share of /healthz's around it, CPU a request, beside each page's aim.
4. Has thousands of distinct members POST over HTTP (wrk, bench/wrk_votes.lua;
   session cookie and CSRF token each): a signed-in POST that does nothing,
   the htmx vote, and the plain vote (the POST, then the GET of the page it
   redirects to), each for --vote-seconds at the same concurrency; then the
   tally drift (`recount_votes --check`).
5. Prints each gunicorn worker's memory (RSS from /proc) after all that.
6. Renders every page once through Django's test client against the scale
   data and prints its SQL query count beside the count the tests pin, and
   (`--explain`) EXPLAIN ANALYZE of every query, with the indexes used.
7. Prints issue 16's aims beside what this run measured: "aim / measured /
   met?" (also under "aims" in the JSON).

Needs PostgreSQL at 127.0.0.1:5432 (user postgres), Redis at 6379 and wrk
(Debian package `wrk`). Results also go to /tmp/remedies-bench/ as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import httpload  # noqa: E402

PY = sys.executable
GUNICORN = str(Path(PY).parent / "gunicorn")
OUT = Path("/tmp/remedies-bench")
WRK = shutil.which("wrk") or "/usr/bin/wrk"
WRK_PAGES = Path(__file__).with_name("wrk.lua")
WRK_VOTES = Path(__file__).with_name("wrk_votes.lua")
# Our server runs the site's settings plus POST /bench/noop/ (bench/urls.py).
SERVER_SETTINGS = "bench.settings"
NOOP_PATH = "/bench/noop/"
# The reference: a bare Django project (README there), read-only; its scratch
# files go to BENCH_WORK.
BASELINE = ROOT.parent / "shared" / "bench" / "baseline"
BASELINE_WORK = Path("/tmp/bench-baseline")
REFERENCES = (
    ("stock middleware", "settings"),
    ("no middleware", "settings_plain"),
)
# What gunicorn.conf.py resolves that the reference server must share.
WORKER_SETTINGS = ("worker_class", "workers", "threads", "keepalive", "timeout")

# Issue 16's aims, all measured within one run.
AIMS = {
    "visitor_share": 0.90,  # each page type, as a visitor: of /healthz's req/s
    "member_share": 0.50,  # each page type, as a member: of /healthz's req/s
    "member_p99_ms": 250,  # … and its p99 at 32 connections
    "healthz_vs_django": 0.70,  # /healthz: of bare Django /plain/, stock middleware
    "vote_vs_noop": 0.50,  # htmx votes/s: of a signed-in no-op POST's req/s
    "plain_vs_htmx": 2.0,  # a plain vote (POST + redirect GET): times an htmx vote's cost
    "worker_mb": 150,  # each worker's RSS after the whole benchmark
}
AIMED_PAGES = (
    "home",
    "remedies list",
    "remedy page",
    "evidence page",
    "ailment page",
    "search results",
)

# Query counts the tests pin for one request of each page, on PostgreSQL:
# a visitor's page rendered (not served from the page cache), and the
# member's evidence page: served from the members' shared rendering, and
# rendered for one member alone with cold and warm fragment caches.
PINNED = {
    "home": {"anonymous": "2", "test": "tests/site/test_home.py"},
    "remedies list": {"anonymous": "3", "test": "tests/remedies/test_remedy_list.py"},
    "remedy page": {
        "anonymous": "5 (empty discussion), 7 (with threads)",
        "test": "tests/remedies/test_remedy_detail.py, "
        "tests/discussions/test_discussion_display.py",
    },
    "evidence page": {
        "anonymous": "6 (empty discussion), 8 (with threads)",
        "member": "4 shared; alone 12 with threads, cold 10 and warm 7 without",
        "test": "tests/site/test_member_pages.py, "
        "tests/discussions/test_discussion_display.py, "
        "tests/site/test_page_cache.py",
    },
    "ailment page": {"anonymous": "3", "test": "tests/ailments/test_ailment_detail.py"},
    "search results": {
        "anonymous": "4 (2, the typo look-up and the result lines' votes)",
        "test": "tests/search/test_search_results.py",
    },
    "suggestions": {"anonymous": "2", "test": "tests/search/test_palette_views.py"},
}


def parse_args():
    parser = argparse.ArgumentParser(
        prog="./dev bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--preset", choices=["full", "small"], default="full")
    parser.add_argument("--database", default="remedies_bench")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database when it already holds a complete load of this preset",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/2")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument(
        "--baseline-port",
        type=int,
        help="first port for the reference servers (default: --port + 200; "
        "a port in use is skipped)",
    )
    parser.add_argument(
        "--baseline-dir",
        type=Path,
        default=BASELINE,
        help="the reference Django project (default: ../shared/bench/baseline)",
    )
    parser.add_argument(
        "--out", type=Path, default=OUT, help="where results go (/tmp/remedies-bench)"
    )
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--vote-seconds",
        type=int,
        default=20,
        help="seconds of each POST run (no-op, htmx vote, plain vote)",
    )
    parser.add_argument("--voters", type=int, default=3000)
    parser.add_argument("--workers", help="gunicorn workers (WEB_CONCURRENCY)")
    parser.add_argument("--threads", help="threads per worker (GUNICORN_THREADS)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN every query")
    parser.add_argument("--only-explain", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_port is None:
        args.baseline_port = args.port + 200
    return args


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def bench_env(args) -> dict[str, str]:
    env = {
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY")
        or "bench-" + "k" * 20 + "-not-for-production-use-0123456789",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.database}",
        "REDIS_URL": args.redis_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "PORT": str(args.port),
        # The figures are about the site, not about writing a log line.
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_LOG_LEVEL": "warning",
        # No worker restarts mid-run: its memory is measured after the run.
        "GUNICORN_MAX_REQUESTS": "0",
    }
    if args.workers:
        env["WEB_CONCURRENCY"] = args.workers
    if args.threads:
        env["GUNICORN_THREADS"] = args.threads
    return env


def manage(env, *argv, capture=False):
    result = subprocess.run(
        [PY, "manage.py", *argv],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        text=True,
        capture_output=capture,
    )
    return result.stdout if capture else None


def psql(sql: str) -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atqc", sql],
        check=True,
        text=True,
        capture_output=True,
    ).stdout.strip()


# 1. The data


def is_loaded(args) -> bool:
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{args.database}'")
    if not exists:
        return False
    want = {"full": 10_000, "small": 500}[args.preset]
    try:
        out = subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                args.database,
                "-Atqc",
                "SELECT (SELECT count(*) FROM remedies_remedy), "
                "(SELECT count(*) FROM search_searchentry)",
            ],
            check=True,
            text=True,
            capture_output=True,
        ).stdout.strip()
    except subprocess.CalledProcessError:
        return False
    remedies, entries = (int(x) for x in out.split("|"))
    return remedies == want and entries > 0


def load(args, env) -> dict:
    say(f"Creating database {args.database}")
    psql(f'DROP DATABASE IF EXISTS "{args.database}"')
    psql(f'CREATE DATABASE "{args.database}"')
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    say(f"Loading scale data ({args.preset})")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    manage(env, "load_scale", "--preset", args.preset)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "seconds": round(seconds, 1),
        # The largest child process's peak RSS (the loader, unless migrate was bigger).
        "peak_rss_mb": round(max(peak, before) / 1024, 1),
    }


# 2. Django in this process: targets, sessions, query counts


def setup_django(env):
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "remedies_site.settings")
    import django

    django.setup()


def pick_targets() -> dict:
    """A busy remedy, evidence page and ailment, and suggestion queries."""
    from django.db.models import Count

    from ailments.models import Ailment
    from remedies.models import EvidencePage, Remedy

    # Of the 100 most voted published pages (the pages people visit), one
    # with a discussion of middling length among those that have one.
    busy = (
        EvidencePage.objects.published()
        .order_by("-votes_total", "pk")
        .values("pk")[:100]
    )
    discussed = list(
        EvidencePage.objects.filter(pk__in=busy)
        .select_related("remedy", "ailment")
        .annotate(n_comments=Count("comments"))
        .filter(n_comments__gt=0)
        .order_by("n_comments", "pk")
    )
    page = discussed[len(discussed) // 2]
    # The ailment with the most remedies: the longest ranking.
    ailment = (
        Ailment.objects.published()
        .annotate(n=Count("evidence_pages"))
        .order_by("-n", "pk")
        .first()
    )
    names = list(
        Ailment.objects.published().order_by("pk").values_list("name", flat=True)[:60]
    )
    queries = []
    for name in names:
        lowered = name.lower()
        for cut in (2, 4, len(lowered)):
            queries.append(lowered[:cut])
    # Submitted searches: whole names of ailments and remedies, as people
    # search for what they have or heard of.
    searches = names[:40] + list(
        Remedy.objects.published().order_by("pk").values_list("name", flat=True)[:20]
    )
    return {
        "remedy": page.remedy.get_absolute_url(),
        "evidence": page.get_absolute_url(),
        "evidence_votes": page.votes_total,
        "evidence_comments": page.comments.count(),
        "remedy_pages": page.remedy.evidence_pages.count(),
        "ailment": ailment.get_absolute_url(),
        "ailment_pages": ailment.n,
        "vote_path": page.get_absolute_url() + "vote/",
        "suggest_paths": [
            "/search/suggest/?q=" + quote(q) for q in dict.fromkeys(queries)
        ],
        "search_paths": ["/search/?q=" + quote(q) for q in dict.fromkeys(searches)],
    }


def member_sessions(first: int, count: int) -> list[httpload.Voter]:
    """Signed-in sessions for `count` verified members, as a login would make them."""
    from importlib import import_module

    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.crypto import get_random_string

    from accounts.models import User

    engine = import_module(settings.SESSION_ENGINE)
    verified = EmailAddress.objects.filter(verified=True).values("user_id")
    members = User.objects.filter(
        is_active=True, is_staff=False, pk__in=verified
    ).order_by("pk")[first : first + count]
    voters = []
    for member in members:
        session = engine.SessionStore()
        session[SESSION_KEY] = member._meta.pk.value_to_string(member)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = member.get_session_auth_hash()
        session.create()
        voters.append(
            httpload.Voter(
                session_cookie=f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
                csrf_token=get_random_string(32),
                csrf_cookie_name=settings.CSRF_COOKIE_NAME,
            )
        )
    return voters


def vote_paths(n: int) -> list[str]:
    from remedies.models import EvidencePage

    pages = (
        EvidencePage.objects.published()
        .select_related("remedy", "ailment")
        .order_by("-votes_total", "pk")[:n]
    )
    return [p.get_absolute_url() + "vote/" for p in pages]


def query_counts(targets: dict, member_cookie: str, *, explain: bool) -> list[dict]:
    """Each page once through the test client, cold caches: its SQL queries."""
    from django.conf import settings
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    local = {
        alias: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"bench-{alias}",
        }
        for alias in settings.CACHES
    }
    pages = [
        ("home", "/", {}),
        ("remedies list", "/remedies/", {}),
        ("remedy page", targets["remedy"], {}),
        ("evidence page", targets["evidence"], {}),
        ("ailment page", targets["ailment"], {}),
        ("search results", targets["search_paths"][0], {}),
        ("suggestions", "/search/suggest/?q=back", {"HTTP_HX_REQUEST": "true"}),
    ]
    rows = []
    with override_settings(CACHES=local):
        for who in ("anonymous", "member"):
            # A page that fails is reported in its row; the others still count.
            client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
            if who == "member":
                name, value = member_cookie.split("=", 1)
                client.cookies[name] = value
            for label, path, headers in pages:
                counts = []
                captured = []
                failed = None
                for _ in range(2):  # cold, then warm
                    if not counts:
                        for alias in local:
                            caches[alias].clear()
                    with CaptureQueriesContext(connection) as ctx:
                        response = client.get(path, **headers)
                    if response.status_code != 200:
                        failed = f"{path} answered {response.status_code}"
                        exc = getattr(response, "exc_info", None)
                        if exc:
                            failed += f" ({exc[0].__name__}: {exc[1]})"
                        break
                    counts.append(len(ctx.captured_queries))
                    if not captured:
                        captured = list(ctx.captured_queries)
                row = {
                    "page": label,
                    "who": who,
                    "cold": counts[0] if failed is None else None,
                    "warm": counts[1] if failed is None else None,
                    "pinned": PINNED[label].get(who),
                    "test": PINNED[label]["test"],
                }
                if failed:
                    row["failed"] = failed
                    say(f"Query counts: {who} {label}: {failed}")
                elif explain:
                    row["plans"] = [explain_query(q["sql"]) for q in captured]
                rows.append(row)
    return rows


INDEX_RE = re.compile(
    r"(?:Index Scan|Index Only Scan|Bitmap Index Scan) (?:Backward )?(?:using|on) (\S+)"
)
SEQ_RE = re.compile(r"Seq Scan on (\S+)")


def explain_query(sql: str) -> dict:
    from django.db import connection

    if not sql.lstrip("( ").upper().startswith("SELECT"):
        return {"sql": sql, "skipped": True}
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    time_ms = re.search(r"Execution Time: ([\d.]+) ms", plan)
    return {
        "sql": sql,
        "plan": plan,
        "indexes": sorted(set(INDEX_RE.findall(plan))),
        "seq_scans": sorted(set(SEQ_RE.findall(plan))),
        "ms": float(time_ms.group(1)) if time_ms else None,
    }


# 3. The servers and wrk


def start_server(env, log_path: Path) -> subprocess.Popen:
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    log = open(log_path, "w")  # noqa: SIM115 - closed when the server stops
    server = subprocess.Popen(
        [GUNICORN, "-c", "remedies_site/gunicorn.conf.py", "remedies_site.wsgi"],
        cwd=ROOT,
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": SERVER_SETTINGS},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    httpload.wait_until_up(f"http://127.0.0.1:{env['PORT']}")
    return server


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def gunicorn_settings(env) -> dict:
    """What remedies_site/gunicorn.conf.py resolves to under `env`, read by running it."""
    code = (
        "import json, runpy\n"
        "ns = runpy.run_path('remedies_site/gunicorn.conf.py')\n"
        f"print(json.dumps({{k: ns[k] for k in {WORKER_SETTINGS!r}}}))\n"
    )
    out = subprocess.run(
        [PY, "-c", code],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def free_port(first: int) -> int:
    """The first port from `first` on that nobody listens on."""
    for port in range(first, first + 50):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"No free port in {first}–{first + 49}")


def start_reference(
    args, settings_module: str, port: int, conf: dict, log_path: Path
) -> subprocess.Popen:
    """The bare Django project's gunicorn beside ours, with our worker settings.

    Our own virtualenv's gunicorn and Django; nothing is written into the
    project's folder (no bytecode; scratch files in BENCH_WORK).
    """
    (BASELINE_WORK / "staticfiles").mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "BENCH_WORK": str(BASELINE_WORK),
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    command = [
        GUNICORN,
        "--chdir",
        str(args.baseline_dir),
        "--bind",
        f"127.0.0.1:{port}",
        "--worker-class",
        str(conf["worker_class"]),
        "--workers",
        str(conf["workers"]),
        "--threads",
        str(conf["threads"]),
        "--keep-alive",
        str(conf["keepalive"]),
        "--timeout",
        str(conf["timeout"]),
        "--log-level",
        "warning",
        "wsgi:application",
    ]
    log = open(log_path, "a")  # noqa: SIM115 - closed when the server stops
    log.write(f"== {settings_module}: {' '.join(command)}\n")
    log.flush()
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        httpload.wait_until_up(f"http://127.0.0.1:{port}", path="/plain/", seconds=30)
    except RuntimeError:
        stop_server(server)
        raise
    return server


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def largest_worker_mb(server: subprocess.Popen) -> float:
    return max(rss_mb(pid) for pid in worker_pids(server.pid))


def cpu_s(pids) -> dict[int, float]:
    """CPU seconds (user + system) each process has used so far."""
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def backends(database: str | None) -> list[int]:
    """PostgreSQL's processes serving `database` (our server's connections)."""
    if not database:
        return []
    out = psql(
        "SELECT pid FROM pg_stat_activity "
        f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
    )
    return [int(pid) for pid in out.split()]


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    # A process that started during the run counts from nothing.
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())


def wrk_on(
    server: subprocess.Popen, url: str, *, database: str | None = None, **kwargs
) -> dict:
    """wrk, and the CPU spent meanwhile by the server's workers (`cpu_s`) and
    by PostgreSQL for `database` (`db_cpu_s`): a cost per request that the
    machine's other load moves far less than req/s. Redis's is not counted
    (one server for everyone on the machine)."""
    workers, db = cpu_s(worker_pids(server.pid)), cpu_s(backends(database))
    result = wrk(url, **kwargs)
    result["cpu_s"] = spent(workers, cpu_s(worker_pids(server.pid)))
    result["db_cpu_s"] = spent(db, cpu_s(backends(database)))
    add_cpu_per_request(result)
    return result


def add_cpu_per_request(result: dict) -> None:
    requests = max(1, result["requests"])
    result["db_cpu_ms"] = 1000 * result["db_cpu_s"] / requests
    result["cpu_ms"] = 1000 * (result["cpu_s"] + result["db_cpu_s"]) / requests


def wrk(
    url: str,
    *,
    seconds: int,
    connections: int,
    headers=(),
    args=(),
    threads: int | None = None,
    script: Path = WRK_PAGES,
) -> dict:
    command = [
        WRK,
        f"-t{threads or min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
    ]
    for header in headers:
        command += ["-H", header]
    command.append(url)
    if args:
        command += ["--", *args]
    out = subprocess.run(command, check=True, text=True, capture_output=True).stdout
    match = re.search(r"^RESULT (\{.*\})$", out, re.MULTILINE)
    if not match:
        raise SystemExit(f"wrk printed no result for {url}:\n{out}")
    result = json.loads(match.group(1))
    result["seconds"] = result["duration_us"] / 1e6
    result["rps"] = result["requests"] / result["seconds"]
    return result


def combine(runs: list[dict]) -> dict:
    """Several wrk runs of one thing as one: counts summed, req/s over the total
    time, each latency percentile the worse of the runs."""
    out = {"runs": len(runs)}
    for key in runs[0]:
        values = [r[key] for r in runs]
        if key in ("p50", "p95", "p99", "max"):
            out[key] = max(values)
        elif isinstance(values[0], int | float) and key not in (
            "rps",
            "mean",
            "cpu_ms",
            "db_cpu_ms",
        ):
            out[key] = sum(values)
    out["mean"] = sum(r["mean"] * r["requests"] for r in runs) / max(
        1, sum(r["requests"] for r in runs)
    )
    out["rps"] = out["requests"] / out["seconds"]
    out["each_rps"] = [round(r["rps"], 1) for r in runs]
    if "cpu_s" in out:
        add_cpu_per_request(out)
    return out


def errors_of(row: dict) -> int:
    return row.get("non2xx", 0) + row.get("socket_errors", 0)


def check_page(
    base: str, path: str, headers: dict, *, member: bool
) -> tuple[str | None, str]:
    """GET once (this also warms the caches): (what is wrong or None, X-Cache)."""
    try:
        status, response_headers, body = httpload.get(base, path, headers)
    except OSError as exc:
        return f"GET {path} failed: {exc}", ""
    if status != 200:
        return f"GET {path} answered {status}", ""
    cache_state = response_headers.get("X-Cache", "")
    if path.startswith("/search/suggest/") or path == "/healthz":
        return None, cache_state
    signed_in = "Sign out" in body
    if signed_in != member:
        return f"GET {path}: expected signed in {member}, got {signed_in}", cache_state
    return None, cache_state


def page_list(targets: dict) -> list[tuple[str, str, list[str], list[str]]]:
    """(label, first path, headers, paths to cycle through) of every page measured."""
    return [
        ("/healthz", "/healthz", [], []),
        ("home", "/", [], []),
        ("remedies list", "/remedies/", [], []),
        ("remedy page", targets["remedy"], [], []),
        ("evidence page", targets["evidence"], [], []),
        ("ailment page", targets["ailment"], [], []),
        ("search results", targets["search_paths"][0], [], targets["search_paths"]),
        (
            "suggestions",
            targets["suggest_paths"][0],
            ["HX-Request: true"],
            targets["suggest_paths"],
        ),
    ]


def measure_page(args, base, server, who, page, cookies) -> dict:
    """One wrk run of one page as `who`, after a GET that checks it is a real page."""
    label, path, headers, cycle = page
    header_dict = dict(h.split(": ", 1) for h in headers)
    probe = dict(header_dict)
    if who == "member":
        probe["Cookie"] = cookies[0]
    row = {"page": label, "who": who, "path": path}
    problem, cache_state = check_page(base, path, probe, member=who == "member")
    if problem:
        say(f"wrk {who:9} {label}: not measured, {problem}")
        row["failed"] = problem
        return row
    if cycle and who == "anonymous":
        # Every path once, so the run sees the cache as it is after people
        # asked for each of them once.
        for p in cycle:
            httpload.get(base, p, header_dict)
    extra = [f"path={p}" for p in cycle]
    if who == "member":
        extra += [f"cookie={c}" for c in cookies]
    say(f"wrk {who:9} {label}")
    result = wrk_on(
        server,
        base + path,
        database=args.database,
        seconds=args.duration,
        connections=args.connections,
        headers=headers,
        args=extra,
    )
    row.update(result, x_cache=cache_state)
    # The largest worker after each run: which page makes memory grow.
    row["max_worker_mb"] = largest_worker_mb(server)
    return row


def warm_up(base: str, path: str, args) -> None:
    wrk(base + path, seconds=max(1, args.duration // 3), connections=args.connections)


def abccba(items: list) -> list:
    """Each item, then each again in reverse order: a steady drift in the
    machine's load over the runs weighs the same on every item."""
    return [*items, *reversed(items)]


def run_reference(args, conf: dict, base: str, server) -> tuple[dict, list[dict]]:
    """Our /healthz beside a bare Django view with stock middleware and with none.

    Both reference servers run beside ours (our worker settings; ports
    --baseline-port and the next); the three are measured in turn, then again
    in reverse order, each run half of --duration. Returns our /healthz row
    and the reference rows.
    """
    targets = [("/healthz", base + "/healthz", None, server)]
    refs = []
    rows = []
    if (args.baseline_dir / "wsgi.py").exists():
        log_path = args.out / "reference.log"
        log_path.write_text("")
        port = args.baseline_port - 1
        for label, module in REFERENCES:
            row = {"page": f"bare Django /plain/, {label}", "settings": module}
            port = free_port(port + 1)
            try:
                ref = start_reference(args, module, port, conf, log_path)
            except RuntimeError as exc:
                say(f"Reference ({label}) did not start: {exc} (see {log_path})")
                row["failed"] = str(exc)
            else:
                refs.append(ref)
                row["port"] = port
                url = f"http://127.0.0.1:{port}/plain/"
                targets.append((row["page"], url, row, ref))
            rows.append(row)
    else:
        say(f"No reference project at {args.baseline_dir}: not measured")
    runs: dict[str, list] = {target[0]: [] for target in targets}
    try:
        # Warm each reference too (every worker booted and answering).
        for _, url, _, _ in targets[1:]:
            wrk(url, seconds=max(2, args.duration // 3), connections=args.connections)
        seconds = max(3, args.duration // 2)
        for label, url, _, proc in abccba(targets):
            say(f"wrk reference {label} ({seconds} s)")
            runs[label].append(
                wrk_on(
                    proc,
                    url,
                    database=args.database,
                    seconds=seconds,
                    connections=args.connections,
                )
            )
    finally:
        for ref in refs:
            stop_server(ref)
    healthz = {"page": "/healthz", "who": "anonymous", "path": "/healthz"}
    healthz.update(combine(runs["/healthz"]))
    healthz["max_worker_mb"] = largest_worker_mb(server)
    healthz["vs_healthz"] = 1.0
    for label, _, row, _ in targets[1:]:
        row.update(combine(runs[label]))
        row["healthz_share"] = healthz["rps"] / row["rps"]
    for row in [healthz, *rows]:
        if "rps" in row:
            print(
                f"    {row['page']:38} {row['rps']:8.0f} req/s  p99 "
                f"{row['p99'] / 1000:7.1f} ms  errors {errors_of(row)}",
                flush=True,
            )
    return healthz, rows


def run_pages(args, env, targets, cookies, server, conf) -> tuple[list, list]:
    """The reference, then every page, each between two short runs of /healthz.

    A page's share is of the mean of the /healthz runs just before and just
    after it, so a change in the machine's load during the benchmark moves
    both sides of each ratio alike.
    """
    base = f"http://127.0.0.1:{env['PORT']}"
    pages = page_list(targets)
    say(f"Warming up ({max(1, args.duration // 3)} s of /healthz)")
    warm_up(base, "/healthz", args)
    healthz, reference = run_reference(args, conf, base, server)
    rows = [healthz]
    short = max(3, args.duration // 3)

    brackets = []

    def healthz_now() -> float:
        result = wrk_on(
            server,
            base + "/healthz",
            database=args.database,
            seconds=short,
            connections=args.connections,
        )
        brackets.append(result)
        return result["rps"]

    before = healthz_now()
    for who in ("anonymous", "member"):
        for page in pages:
            if who == "anonymous" and page[0] == "/healthz":
                continue
            row = measure_page(args, base, server, who, page, cookies)
            rows.append(row)
            if "rps" not in row:
                continue
            after = healthz_now()
            row["healthz_before"], row["healthz_after"] = before, after
            row["healthz_around"] = (before + after) / 2
            row["vs_healthz"] = row["rps"] / row["healthz_around"]
            before = after
            print(
                f"    {row['rps']:8.0f} req/s  p50 {row['p50'] / 1000:7.1f} ms  "
                f"p99 {row['p99'] / 1000:7.1f} ms  errors {errors_of(row)}  "
                f"{row['vs_healthz']:5.0%} of /healthz ({row['healthz_around']:.0f} "
                f"req/s around it)  largest worker {row['max_worker_mb']:.0f} MB",
                flush=True,
            )
    healthz["brackets"] = [round(b["rps"]) for b in brackets]
    healthz["brackets_cpu_ms"] = [round(b["cpu_ms"], 3) for b in brackets]
    return rows, reference


# 4. Votes


def probe_votes(base: str, voter: httpload.Voter, vote_path: str) -> dict:
    """One request of each kind by hand: what is wrong with each, by mode."""
    problems = {}
    member = {"Cookie": voter.cookie}
    token = {"X-CSRFToken": voter.csrf_token}
    visitor = {"Cookie": f"{voter.csrf_cookie_name}={voter.csrf_token}", **token}
    # The no-op must send a visitor to sign in and refuse a missing CSRF
    # token, as a vote does.
    statuses = (
        httpload.post(base, NOOP_PATH, {"vote": "up"}, visitor)[0],
        httpload.post(base, NOOP_PATH, {"vote": "up"}, member)[0],
        httpload.post(base, NOOP_PATH, {"vote": "up"}, {**member, **token})[0],
    )
    if statuses != (302, 403, 204):
        problems["noop"] = (
            f"POST {NOOP_PATH} answered {statuses[0]} to a visitor (302 expected), "
            f"{statuses[1]} without a CSRF token (403), {statuses[2]} to a member (204)"
        )
    # The htmx vote, as the vote box posts it.
    status, _, body = httpload.post(
        base, vote_path, {"vote": "up"}, {**member, **token, "HX-Request": "true"}
    )
    if status != 200 or not any(p in body for p in httpload.ACCEPTED):
        problems["htmx"] = f"htmx POST {vote_path} answered {status}" + (
            " without the vote's message" if status == 200 else ""
        )
    # The plain vote: the POST, the redirect and its message.
    status, headers, _ = httpload.post(
        base,
        vote_path,
        {"vote": "down", "csrfmiddlewaretoken": voter.csrf_token},
        member,
    )
    location = dict(headers).get("Location", "")
    cookies = [v.split(";", 1)[0] for k, v in headers if k.lower() == "set-cookie"]
    if status != 302 or not location:
        problems["plain"] = f"plain POST {vote_path} answered {status}, not a redirect"
    else:
        page = location.split("#", 1)[0]
        cookie = "; ".join([voter.cookie, *cookies])
        status, _, body = httpload.get(base, page, {"Cookie": cookie})
        if status != 200 or not any(p in body for p in httpload.ACCEPTED):
            problems["plain"] = f"GET {page} after the plain vote answered {status}" + (
                " without the vote's message" if status == 200 else ""
            )
        elif len(cookies) > 1:
            # wrk_votes.lua carries one Set-Cookie (the message) to the GET.
            problems["plain"] = f"plain POST set {len(cookies)} cookies: {cookies}"
    return problems


VOTE_RUNS = (
    ("noop", "signed-in POST that does nothing (POST /bench/noop/, 204)"),
    ("htmx", "htmx vote"),
    ("plain", "plain vote: the POST, then the GET it redirects to"),
)


def run_votes(args, env, server, voters, paths) -> dict:
    """The three kinds of POST at the same concurrency (one wrk connection per
    wrk thread), in turn and then in reverse order, each run half of
    --vote-seconds; then the tally drift."""
    base = f"http://127.0.0.1:{env['PORT']}"
    members_file = args.out / "voters.tsv"
    members_file.write_text(
        "".join(f"{v.cookie}\t{v.csrf_token}\n" for v in voters), encoding="utf-8"
    )
    problems = probe_votes(base, voters[0], paths[0])
    votes: dict = {"members": len(voters), "pages": len(paths)}
    runs: dict[str, list] = {}
    for mode, label in VOTE_RUNS:
        if mode in problems:
            say(f"POST {label}: not measured, {problems[mode]}")
            votes[mode] = {"label": label, "failed": problems[mode]}
        else:
            runs[mode] = []
    seconds = max(3, args.vote_seconds // 2)
    for mode in abccba(list(runs)):
        say(f"wrk POST {dict(VOTE_RUNS)[mode]} ({seconds} s)")
        runs[mode].append(
            wrk_on(
                server,
                base + (NOOP_PATH if mode == "noop" else paths[0]),
                database=args.database,
                seconds=seconds,
                connections=args.connections,
                threads=args.connections,
                script=WRK_VOTES,
                args=[
                    f"mode={mode}",
                    f"members={members_file}",
                    f"threads={args.connections}",
                    f"target={NOOP_PATH}",
                    *[f"path={p}" for p in paths],
                ],
            )
        )
    for mode, label in VOTE_RUNS:
        if mode not in runs:
            continue
        result = combine(runs[mode])
        # Per vote (for the plain vote, its POST and its GET, so requests / 2):
        # votes per second, and the mean time a member waited for one. Both
        # count requests, not finished votes: a vote cut off by the end of a
        # run still counts for what was done of it.
        per_vote = 2 if mode == "plain" else 1
        result["per_second"] = result["requests"] / per_vote / result["seconds"]
        result["mean_ms_per_vote"] = per_vote * result["mean"] / 1000
        result["cpu_ms_per_vote"] = per_vote * result["cpu_ms"]
        result.update(mode=mode, label=label, max_worker_mb=largest_worker_mb(server))
        votes[mode] = result
        print(
            f"    {mode:5} {result['per_second']:8.1f} /s  ({result['ok']} in "
            f"{result['seconds']:.1f} s; refused {result['refused']}, errors "
            f"{result['vote_errors'] + errors_of(result)})  mean "
            f"{result['mean_ms_per_vote']:.1f} ms a vote  p99 "
            f"{result['p99'] / 1000:.1f} ms a request",
            flush=True,
        )
    votes["drift"] = drift(env)
    return votes


# 5. The report


def pct(x: float) -> str:
    return f"{x:.0%}"


def page_aim(row: dict) -> tuple[str, bool | None]:
    """A page row's aim as text, and whether it is met (None: no aim)."""
    if row["page"] not in AIMED_PAGES:
        return "", None
    if row["who"] == "anonymous":
        share = AIMS["visitor_share"]
        text = f"≥ {pct(share)}"
    else:
        share = AIMS["member_share"]
        text = f"≥ {pct(share)}, p99 ≤ {AIMS['member_p99_ms']} ms"
    if "rps" not in row or "vs_healthz" not in row:
        return text, False
    met = row["vs_healthz"] >= share and errors_of(row) == 0
    if row["who"] == "member":
        met = met and row["p99"] / 1000 <= AIMS["member_p99_ms"]
    return text, met


def yes_no(met: bool | None) -> str:
    return {True: "yes", False: "NO", None: "–"}[met]


def print_table(rows: list[dict]) -> None:
    print()
    print(
        "| Page | Who | req/s | p50 ms | p95 ms | p99 ms | /healthz around it, req/s "
        "| of /healthz | aim | met? | errors | CPU ms a request (of it PostgreSQL) "
        "| largest worker after, MB |"
    )
    print(
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: "
        "| ---: | ---: |"
    )
    for r in rows:
        aim, met = page_aim(r)
        if "rps" not in r:
            print(
                f"| {r['page']} | {r['who']} | {r.get('failed', 'not measured')} "
                f"| | | | | | {aim} | {yes_no(met)} | | | |"
            )
            continue
        around = f"{r['healthz_around']:.0f}" if "healthz_around" in r else "–"
        share = pct(r["vs_healthz"]) if "vs_healthz" in r else "–"
        print(
            f"| {r['page']} | {r['who']} | {r['rps']:.0f} | {r['p50'] / 1000:.1f} | "
            f"{r['p95'] / 1000:.1f} | {r['p99'] / 1000:.1f} | {around} | {share} | "
            f"{aim} | {yes_no(met)} | {errors_of(r)} | {r['cpu_ms']:.2f} "
            f"({r['db_cpu_ms']:.2f}) | "
            f"{r['max_worker_mb']:.0f} |"
        )
    brackets = rows[0].get("brackets") if rows else None
    if brackets:
        cpu = rows[0]["brackets_cpu_ms"]
        print()
        print(
            f"/healthz between the pages ({len(brackets)} runs): "
            f"{min(brackets)}–{max(brackets)} req/s, CPU "
            f"{min(cpu):.2f}–{max(cpu):.2f} ms a request. The first row is "
            "/healthz of the reference's runs, below."
        )
    print()


def print_reference(reference: list[dict], healthz: dict, conf: dict) -> None:
    print(
        "Beside a bare Django view (../shared/bench/baseline), each on its own "
        f"gunicorn with our worker settings ({conf['workers']} {conf['worker_class']} "
        f"workers × {conf['threads']} threads), measured in turns (ABCCBA):"
    )
    print()
    print(
        "| Server | req/s (each run) | p50 ms | p99 ms | errors "
        "| /healthz's req/s of it | CPU ms a request |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in [healthz, *reference]:
        if "rps" not in r:
            print(f"| {r['page']} | {r.get('failed', 'not measured')} | | | | | |")
            continue
        share = pct(r["healthz_share"]) if "healthz_share" in r else "100%"
        each = ", ".join(f"{x:.0f}" for x in r.get("each_rps", []))
        print(
            f"| {r['page']} | {r['rps']:.0f} ({each}) | {r['p50'] / 1000:.1f} | "
            f"{r['p99'] / 1000:.1f} | {errors_of(r)} | {share} | {r['cpu_ms']:.2f} |"
        )
    print()


def print_votes(votes: dict, connections: int) -> None:
    print(
        f"POSTs by {votes['members']:,} members on {votes['pages']} pages at "
        f"{connections} connections, measured in turns (ABCCBA); a plain vote is "
        "its POST and the GET it redirects to:"
    )
    print()
    print(
        "| POST | per s (each run) | mean ms a vote | CPU ms a vote (of it PostgreSQL) "
        "| p50 ms | p99 ms (a request) | accepted "
        "| refused | errors | largest worker after, MB |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for mode, _ in VOTE_RUNS:
        r = votes[mode]
        if "failed" in r:
            print(f"| {r['label']} | {r['failed']} | | | | | | | | |")
            continue
        each = ", ".join(
            f"{x / (2 if r['mode'] == 'plain' else 1):.0f}" for x in r["each_rps"]
        )
        print(
            f"| {r['label']} | {r['per_second']:.1f} ({each}) | "
            f"{r['mean_ms_per_vote']:.1f} | {r['cpu_ms_per_vote']:.2f} "
            f"({r['db_cpu_ms'] * (2 if r['mode'] == 'plain' else 1):.2f}) | "
            f"{r['p50'] / 1000:.1f} | {r['p99'] / 1000:.1f} | {r['ok']} | "
            f"{r['refused']} | {r['vote_errors'] + errors_of(r)} | "
            f"{r['max_worker_mb']:.0f} |"
        )
    print()
    print(f"Tally drift after the votes: {votes['drift']} pages.")


def cpu_share(healthz: dict, row: dict) -> str:
    """The share as the workers' CPU per request puts it (context for req/s)."""
    if not healthz.get("cpu_ms") or not row.get("cpu_ms"):
        return ""
    return f"; by CPU a request {pct(healthz['cpu_ms'] / row['cpu_ms'])}"


def measured_page(row: dict, healthz: dict) -> str:
    if "rps" not in row:
        return row.get("failed", "not measured")
    text = f"{pct(row['vs_healthz'])} ({row['rps']:.0f} req/s"
    if row["who"] == "member":
        text += f", p99 {row['p99'] / 1000:.0f} ms"
    text += cpu_share(healthz, row) + ")"
    if errors_of(row):
        text += f", {errors_of(row)} errors"
    return text


def vote_errors(row: dict) -> int:
    return row.get("vote_errors", 0) + errors_of(row)


def aims_table(results: dict) -> list[dict]:
    """Issue 16's aims beside this run's figures: [{aim, measured, met}].

    Each aim is judged on req/s (or votes/s) measured in this run; the
    workers' CPU per request is given beside it as context, since the other
    load on a shared machine moves it far less.
    """
    out = []
    connections = results["args"]["connections"]
    rows = results.get("wrk", [])
    healthz = rows[0] if rows else {}
    for who, word in (("anonymous", "visitor"), ("member", "member")):
        for page in AIMED_PAGES:
            row = next((r for r in rows if r["page"] == page and r["who"] == who), None)
            if row is None:
                continue
            aim, met = page_aim(row)
            share, _, p99 = aim.partition(", ")
            text = f"{page}, {word}: req/s {share} of /healthz's"
            if p99:
                text += f", {p99} at {connections} connections"
            out.append(
                {"aim": text, "measured": measured_page(row, healthz), "met": met}
            )

    reference = {r["settings"]: r for r in results.get("reference", [])}
    stock, bare = reference.get("settings", {}), reference.get("settings_plain", {})
    aim = (
        f"/healthz req/s ≥ {pct(AIMS['healthz_vs_django'])} of a bare Django "
        "view's with Django's stock middleware"
    )
    if "rps" in healthz and "rps" in stock:
        share = healthz["rps"] / stock["rps"]
        errors = errors_of(healthz) + errors_of(stock)
        measured = (
            f"{pct(share)} ({healthz['rps']:.0f} vs {stock['rps']:.0f} req/s"
            f"{cpu_share(stock, healthz)})"
        )
        out.append(
            {
                "aim": aim,
                "measured": measured + (f", {errors} errors" if errors else ""),
                "met": share >= AIMS["healthz_vs_django"] and not errors,
            }
        )
    elif rows:
        out.append(
            {"aim": aim, "measured": stock.get("failed", "not measured"), "met": False}
        )
    if "rps" in healthz and "rps" in bare:
        measured = (
            f"{bare['rps']:.0f} req/s: /healthz {pct(healthz['rps'] / bare['rps'])}"
        )
        if "rps" in stock:
            measured += f", stock middleware {pct(stock['rps'] / bare['rps'])} of it"
        out.append(
            {
                "aim": "(context) the same bare view with no middleware",
                "measured": measured,
                "met": None,
            }
        )

    votes = results.get("votes")
    if votes:
        noop, htmx, plain = votes["noop"], votes["htmx"], votes["plain"]
        aim = (
            f"htmx votes/s ≥ {pct(AIMS['vote_vs_noop'])} of a signed-in no-op "
            f"POST's req/s, at {connections} connections"
        )
        if "per_second" in htmx and "per_second" in noop:
            share = htmx["per_second"] / noop["per_second"]
            errors = vote_errors(htmx) + vote_errors(noop)
            measured = (
                f"{pct(share)} ({htmx['per_second']:.0f} vs "
                f"{noop['per_second']:.0f}/s; by CPU a vote "
                f"{pct(noop['cpu_ms'] / htmx['cpu_ms'])})"
            )
            if htmx["refused"]:
                measured += f", {htmx['refused']} refused by the rate limit"
            out.append(
                {
                    "aim": aim,
                    "measured": measured + (f", {errors} errors" if errors else ""),
                    "met": share >= AIMS["vote_vs_noop"] and not errors,
                }
            )
        else:
            out.append(
                {
                    "aim": aim,
                    "measured": htmx.get("failed") or noop.get("failed"),
                    "met": False,
                }
            )
        out.append(
            {
                "aim": "no tally drift after the votes (recount_votes --check)",
                "measured": f"{votes['drift']} pages",
                "met": votes["drift"] == 0,
            }
        )
        aim = (
            "a plain vote (its POST and the GET it redirects to) costs ≤ "
            f"{AIMS['plain_vs_htmx']:g}× an htmx vote, at the same concurrency"
        )
        if "per_second" in plain and "per_second" in htmx:
            times = htmx["per_second"] / plain["per_second"]
            errors = vote_errors(plain)
            measured = (
                f"{times:.1f}× ({plain['per_second']:.0f} vs "
                f"{htmx['per_second']:.0f} votes/s; mean wait "
                f"{plain['mean_ms_per_vote'] / htmx['mean_ms_per_vote']:.1f}×, "
                f"CPU {plain['cpu_ms_per_vote'] / htmx['cpu_ms_per_vote']:.1f}×)"
            )
            out.append(
                {
                    "aim": aim,
                    "measured": measured + (f", {errors} errors" if errors else ""),
                    "met": times <= AIMS["plain_vs_htmx"] and not errors,
                }
            )
        else:
            out.append(
                {
                    "aim": aim,
                    "measured": plain.get("failed") or htmx.get("failed"),
                    "met": False,
                }
            )

    pinned = [q for q in results.get("queries", []) if q.get("pinned")]
    if pinned:
        off = []
        for q in pinned:
            numbers = {int(n) for n in re.findall(r"\d+", q["pinned"])}
            if "failed" in q:
                off.append(f"{q['page']}, {q['who']}: failed")
            elif q["cold"] not in numbers and q["warm"] not in numbers:
                off.append(
                    f"{q['page']}, {q['who']}: {q['cold']} cold, {q['warm']} warm "
                    f"against {q['pinned']}"
                )
        out.append(
            {
                "aim": "a page's query count at this size is the one the tests pin",
                "measured": f"{len(pinned) - len(off)} of {len(pinned)} as pinned"
                + "".join(f"; {o}" for o in off),
                "met": not off,
            }
        )
    rss = results.get("workers_rss_mb")
    if rss:
        out.append(
            {
                "aim": f"each worker < {AIMS['worker_mb']} MB after the whole benchmark",
                "measured": f"max {max(rss):.0f} MB "
                f"({', '.join(f'{x:.0f}' for x in rss)})",
                "met": max(rss) < AIMS["worker_mb"],
            }
        )
    return out


def print_aims(aims: list[dict]) -> None:
    print()
    print("| Aim | Measured | Met? |")
    print("| --- | --- | --- |")
    for a in aims:
        print(f"| {a['aim']} | {a['measured']} | {yes_no(a['met'])} |")
    missed = sum(1 for a in aims if a["met"] is False)
    met = sum(1 for a in aims if a["met"] is True)
    print()
    print(f"Aims met: {met} of {met + missed}.")


def drift(env) -> int:
    out = manage(env, "recount_votes", "--check", capture=True)
    match = re.search(r"Drift found on (\d+) page", out)
    if not match:
        raise SystemExit(f"recount_votes printed:\n{out}")
    return int(match.group(1))


def versions() -> dict:
    import django
    import gunicorn

    def first_line(cmd):
        try:
            done = subprocess.run(cmd, text=True, capture_output=True)
        except OSError:
            return "?"
        lines = (done.stdout or done.stderr).splitlines()
        return lines[0] if lines else "?"

    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cores": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": sys.version.split()[0],
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "postgresql": psql("SHOW server_version"),
        "redis": first_line(["redis-server", "--version"]),
        "wrk": first_line([WRK, "-v"]),
        "load_average": os.getloadavg(),
    }


def main() -> None:
    started = time.perf_counter()
    args = parse_args()
    if not Path(WRK).is_file():
        raise SystemExit(
            "The benchmark needs wrk (Debian: apt-get install wrk); it was not found."
        )
    args.out.mkdir(parents=True, exist_ok=True)
    env = bench_env(args)
    results: dict = {"preset": args.preset, "args": vars(args), "aims_set": AIMS}

    if args.reuse and is_loaded(args):
        say(f"Reusing {args.database}")
        manage(env, "migrate", "--no-input", "--verbosity", "0")
    else:
        results["load"] = load(args, env)
        say(
            f"Loaded in {results['load']['seconds']} s, peak memory "
            f"{results['load']['peak_rss_mb']} MB"
        )

    setup_django(env)
    results["versions"] = versions()
    targets = pick_targets()
    results["targets"] = {
        k: v for k, v in targets.items() if k not in ("suggest_paths", "search_paths")
    }
    results["targets"]["searches"] = len(targets["search_paths"])
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    members = member_sessions(0, 32)
    cookies = [v.cookie for v in members]

    if not args.only_explain:
        conf = gunicorn_settings(env)
        results["gunicorn"] = conf
        server = start_server(env, args.out / "gunicorn.log")
        try:
            say(
                f"Server up: pid {server.pid}, workers {worker_pids(server.pid)} "
                f"({conf['worker_class']}, {conf['threads']} threads each)"
            )
            results["wrk"], results["reference"] = run_pages(
                args, env, targets, cookies, server, conf
            )

            say(f"Preparing {args.voters} voting members")
            voters = member_sessions(100, args.voters)
            paths = vote_paths(300)
            results["votes"] = run_votes(args, env, server, voters, paths)
            results["drift"] = results["votes"]["drift"]
            results["workers_rss_mb"] = [
                round(rss_mb(pid), 1) for pid in worker_pids(server.pid)
            ]
            results["master_rss_mb"] = round(rss_mb(server.pid), 1)
        finally:
            stop_server(server)

    say("Query counts at scale (Django test client, cold and warm caches)")
    results["queries"] = query_counts(
        targets, members[0].session_cookie, explain=args.explain or args.only_explain
    )

    # The report
    print()
    v = results["versions"]
    print(
        f"{v['date']}: {v['cores']} cores ({v['cpu']}), {v['ram_gb']} GB RAM, "
        f"load average {', '.join(f'{x:.1f}' for x in v['load_average'])}; "
        f"Python {v['python']}, Django {v['django']}, PostgreSQL {v['postgresql']}, "
        f"{v['redis']}, gunicorn {v['gunicorn']}, {v['wrk']}"
    )
    if "load" in results:
        print(
            f"Scale data ({args.preset}): loaded in {results['load']['seconds']} s, "
            f"peak RSS {results['load']['peak_rss_mb']} MB"
        )
    t = results["targets"]
    print(
        f"Pages: evidence {t['evidence']} ({t['evidence_votes']} votes, "
        f"{t['evidence_comments']} comments), remedy {t['remedy']} "
        f"({t['remedy_pages']} conditions), ailment {t['ailment']} "
        f"({t['ailment_pages']} remedies); search results cycle through "
        f"{t['searches']} names, suggestions through {len(targets['suggest_paths'])} "
        "prefixes"
    )
    if "wrk" in results:
        conf = results["gunicorn"]
        print(
            f"Server: {conf['workers']} {conf['worker_class']} workers × "
            f"{conf['threads']} threads; wrk at {args.connections} connections, "
            f"{args.duration} s a page. A page's share is of /healthz's req/s in "
            "the runs just before and after it."
        )
        print_table(results["wrk"])
        print_reference(results["reference"], results["wrk"][0], conf)
        print_votes(results["votes"], args.connections)
        rss = results["workers_rss_mb"]
        print(
            f"Worker RSS after the whole run: {', '.join(f'{x:.0f}' for x in rss)} MB "
            f"(max {max(rss):.0f}, mean {statistics.mean(rss):.0f}); "
            f"master {results['master_rss_mb']:.0f} MB"
        )
    print()
    print("| Page | Who | queries (cold cache) | warm | pinned in tests |")
    print("| --- | --- | ---: | ---: | --- |")
    for q in results["queries"]:
        pinned = q["pinned"] if q["pinned"] is not None else "–"
        if "failed" in q:
            print(f"| {q['page']} | {q['who']} | {q['failed']} | | {pinned} |")
            continue
        print(
            f"| {q['page']} | {q['who']} | {q['cold']} | {q['warm']} | {pinned} ({q['test']}) |"
        )
    if args.explain or args.only_explain:
        path = args.out / "explain.txt"
        with path.open("w") as f:
            for q in results["queries"]:
                for plan in q.get("plans", []):
                    if plan.get("skipped"):
                        continue
                    f.write(f"## {q['page']} ({q['who']}): {plan['ms']} ms\n")
                    f.write(plan["sql"] + "\n\n" + plan["plan"] + "\n\n")
        print()
        print("Indexes and sequential scans per page (plans in", path, ")")
        for q in results["queries"]:
            for plan in q.get("plans", []):
                if plan.get("skipped"):
                    continue
                sql = " ".join(plan["sql"].split())[:90]
                print(
                    f"  {q['page']:13} {q['who']:9} {plan['ms']:8.2f} ms  "
                    f"idx={','.join(plan['indexes']) or '-'}  "
                    f"seq={','.join(plan['seq_scans']) or '-'}  {sql}"
                )
        for q in results["queries"]:
            for plan in q.get("plans", []):
                plan.pop("plan", None)
    if "wrk" in results:
        results["aims"] = aims_table(results)
        print_aims(results["aims"])
    results["elapsed_s"] = round(time.perf_counter() - started, 1)
    print(f"\nThe whole benchmark took {results['elapsed_s'] / 60:.1f} minutes.")
    (args.out / "results.json").write_text(json.dumps(results, indent=1, default=str))
    print(f"Results: {args.out / 'results.json'}")


if __name__ == "__main__":
    main()
