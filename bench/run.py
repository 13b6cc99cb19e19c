"""The benchmark: `./dev bench` (options: `./dev bench --help`).

1. Creates its own PostgreSQL database (remedies_bench; dropped first) and
   fills it with `load_scale` (full size unless `--preset small`), timing the
   load and its peak memory.
2. Starts the production server (`remedies_site/gunicorn.conf.py`, DEBUG
   off, Redis cache in db 2) on 127.0.0.1:8100.
3. Runs `wrk` at 32 connections on /healthz, home, the remedies list, a
   remedy page, an evidence page, an ailment page and search suggestions,
   as a visitor and as signed-in members, and prints one table: req/s, p50,
   p95, p99, and req/s as a fraction of /healthz's in the same run.
4. Has thousands of distinct members vote, change and withdraw votes at once
   over HTTP (keep-alive, session cookie, CSRF token, as the htmx vote box
   does): votes per second, then the tally drift (`recount_votes --check`).
5. Prints each gunicorn worker's memory (RSS from /proc) after all that.
6. Renders every page once through Django's test client against the scale
   data and prints its SQL query count beside the count the tests pin, and
   (`--explain`) EXPLAIN ANALYZE of every query, with the indexes used.

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
        "anonymous": "7 (empty discussion), 9 (with threads)",
        "member": "4 shared; alone 12 with threads, cold 10 and warm 7 without",
        "test": "tests/site/test_member_pages.py, "
        "tests/discussions/test_discussion_display.py, "
        "tests/site/test_page_cache.py",
    },
    "ailment page": {"anonymous": "3", "test": "tests/ailments/test_ailment_detail.py"},
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
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--vote-seconds", type=int, default=20)
    parser.add_argument("--voters", type=int, default=3000)
    parser.add_argument("--workers", help="gunicorn workers (WEB_CONCURRENCY)")
    parser.add_argument("--threads", help="threads per worker (GUNICORN_THREADS)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN every query")
    parser.add_argument("--only-explain", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


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
    from remedies.models import EvidencePage

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
        ("suggestions", "/search/suggest/?q=back", {"HTTP_HX_REQUEST": "true"}),
    ]
    rows = []
    with override_settings(CACHES=local):
        for who in ("anonymous", "member"):
            client = Client(HTTP_HOST="127.0.0.1")
            if who == "member":
                name, value = member_cookie.split("=", 1)
                client.cookies[name] = value
            for label, path, headers in pages:
                counts = []
                captured = []
                for _ in range(2):  # cold, then warm
                    if not counts:
                        for alias in local:
                            caches[alias].clear()
                    with CaptureQueriesContext(connection) as ctx:
                        response = client.get(path, **headers)
                    if response.status_code != 200:
                        raise SystemExit(
                            f"{who} {path} answered {response.status_code}"
                        )
                    counts.append(len(ctx.captured_queries))
                    if not captured:
                        captured = list(ctx.captured_queries)
                row = {
                    "page": label,
                    "who": who,
                    "cold": counts[0],
                    "warm": counts[1],
                    "pinned": PINNED[label].get(who),
                    "test": PINNED[label]["test"],
                }
                if explain:
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


# 3. The server and wrk


def start_server(env, log_path: Path) -> subprocess.Popen:
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    log = open(log_path, "w")  # noqa: SIM115 - closed when the server stops
    server = subprocess.Popen(
        [GUNICORN, "-c", "remedies_site/gunicorn.conf.py", "remedies_site.wsgi"],
        cwd=ROOT,
        env={**os.environ, **env},
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


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wrk(url: str, *, seconds: int, connections: int, headers=(), args=()) -> dict:
    command = [
        WRK,
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(Path(__file__).with_name("wrk.lua")),
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
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def check_page(base: str, path: str, headers: dict, *, member: bool) -> str:
    """GET once (this also warms the caches); fail loudly on anything but a real page."""
    status, response_headers, body = httpload.get(base, path, headers)
    if status != 200:
        raise SystemExit(f"GET {path} answered {status}")
    signed_in = "Sign out" in body
    if path.startswith("/search/suggest/") or path == "/healthz":
        return response_headers.get("X-Cache", "")
    if signed_in != member:
        raise SystemExit(f"GET {path}: expected signed_in={member}, got {signed_in}")
    return response_headers.get("X-Cache", "")


def run_wrk_table(args, env, targets, cookies, server) -> list[dict]:
    base = f"http://127.0.0.1:{env['PORT']}"
    pages = [
        ("/healthz", "/healthz", []),
        ("home", "/", []),
        ("remedies list", "/remedies/", []),
        ("remedy page", targets["remedy"], []),
        ("evidence page", targets["evidence"], []),
        ("ailment page", targets["ailment"], []),
        ("suggestions", targets["suggest_paths"][0], ["HX-Request: true"]),
    ]
    rows = []
    say(f"Warming up ({args.duration // 3 or 1} s of /healthz)")
    wrk(
        base + "/healthz",
        seconds=max(1, args.duration // 3),
        connections=args.connections,
    )
    for who in ("anonymous", "member"):
        for label, path, headers in pages:
            extra = []
            if label == "suggestions":
                extra += [f"path={p}" for p in targets["suggest_paths"]]
            if who == "member":
                extra += [f"cookie={c}" for c in cookies]
            header_dict = dict(h.split(": ", 1) for h in headers)
            probe = dict(header_dict)
            if who == "member":
                probe["Cookie"] = cookies[0]
            cache_state = check_page(base, path, probe, member=who == "member")
            if label == "suggestions" and who == "anonymous":
                # Every query once, so the run sees the cache as it is after
                # people typed each of them once.
                for p in targets["suggest_paths"]:
                    httpload.get(base, p, header_dict)
            say(f"wrk {who:9} {label}")
            result = wrk(
                base + path,
                seconds=args.duration,
                connections=args.connections,
                headers=headers,
                args=extra,
            )
            result.update(page=label, who=who, path=path, x_cache=cache_state)
            # The largest worker after each run: which page makes memory grow.
            result["max_worker_mb"] = max(
                rss_mb(pid) for pid in worker_pids(server.pid)
            )
            rows.append(result)
            print(
                f"    {result['rps']:8.0f} req/s  p50 {result['p50'] / 1000:7.1f} ms  "
                f"p99 {result['p99'] / 1000:7.1f} ms  non-2xx {result['non2xx']}  "
                f"largest worker {result['max_worker_mb']:.0f} MB",
                flush=True,
            )
    healthz = rows[0]["rps"]
    for row in rows:
        row["vs_healthz"] = row["rps"] / healthz
    return rows


def print_table(rows: list[dict]) -> None:
    print()
    print(
        "| Page | Who | req/s | p50 ms | p95 ms | p99 ms | of /healthz | errors "
        "| largest worker after, MB |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['page']} | {r['who']} | {r['rps']:.0f} | {r['p50'] / 1000:.1f} | "
            f"{r['p95'] / 1000:.1f} | {r['p99'] / 1000:.1f} | "
            f"{r['vs_healthz']:.0%} | {r['non2xx'] + r['socket_errors']} | "
            f"{r['max_worker_mb']:.0f} |"
        )
    print()


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
    args = parse_args()
    OUT.mkdir(exist_ok=True)
    env = bench_env(args)
    results: dict = {"preset": args.preset, "args": vars(args)}

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
    results["targets"] = {k: v for k, v in targets.items() if k != "suggest_paths"}
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    members = member_sessions(0, 32)
    cookies = [v.cookie for v in members]

    if not args.only_explain:
        server = start_server(env, OUT / "gunicorn.log")
        try:
            say(f"Server up: pid {server.pid}, workers {worker_pids(server.pid)}")
            results["wrk"] = run_wrk_table(args, env, targets, cookies, server)

            say(f"Preparing {args.voters} voting members")
            voters = member_sessions(100, args.voters)
            paths = vote_paths(300)
            say(
                f"Voting for {args.vote_seconds} s: {len(voters)} members, "
                f"{len(paths)} pages"
            )
            base = f"http://127.0.0.1:{env['PORT']}"
            votes = httpload.cast_votes(
                [base], voters, paths, seconds=args.vote_seconds
            )
            results["votes"] = {
                "accepted": votes.ok,
                "refused": votes.refused,
                "errors": votes.errors,
                "seconds": round(votes.elapsed, 1),
                "per_second": round(votes.rate, 1),
                "p50_ms": round(httpload.percentile(votes.latencies, 50) * 1000, 1),
                "p99_ms": round(httpload.percentile(votes.latencies, 99) * 1000, 1),
            }
            results["drift"] = drift(env)
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
        f"({t['ailment_pages']} remedies)"
    )
    if "wrk" in results:
        print_table(results["wrk"])
        vr = results["votes"]
        print(
            f"Votes: {vr['per_second']} accepted votes/s ({vr['accepted']} in "
            f"{vr['seconds']} s; refused {vr['refused']}, errors {vr['errors']}; "
            f"p50 {vr['p50_ms']} ms, p99 {vr['p99_ms']} ms). "
            f"Tally drift after: {results['drift']} pages."
        )
        rss = results["workers_rss_mb"]
        print(
            f"Worker RSS after the run: {', '.join(f'{x:.0f}' for x in rss)} MB "
            f"(max {max(rss):.0f}, mean {statistics.mean(rss):.0f}); "
            f"master {results['master_rss_mb']:.0f} MB"
        )
    print()
    print("| Page | Who | queries (cold cache) | warm | pinned in tests |")
    print("| --- | --- | ---: | ---: | --- |")
    for q in results["queries"]:
        pinned = q["pinned"] if q["pinned"] is not None else "–"
        print(
            f"| {q['page']} | {q['who']} | {q['cold']} | {q['warm']} | {pinned} ({q['test']}) |"
        )
    if args.explain or args.only_explain:
        path = OUT / "explain.txt"
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
    (OUT / "results.json").write_text(json.dumps(results, indent=1, default=str))
    print(f"\nResults: {OUT / 'results.json'}")


if __name__ == "__main__":
    main()
