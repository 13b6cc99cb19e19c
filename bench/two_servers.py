"""Two app servers, one PostgreSQL, one Redis: nothing is kept per server.

    .venv/bin/python bench/two_servers.py [--database remedies_scale_two] [--reuse]

Loads small scale data into its own database, starts two gunicorns (ports
8101 and 8102, `remedies_site/gunicorn.conf.py`, DEBUG off) on the same
database and Redis database, then shows:

1. Votes: hundreds of members vote, change and withdraw votes through both
   servers at once; afterwards `recount_votes --check` finds the tallies
   exactly equal to the vote rows.
2. Sessions: a member signs in on one server (the real sign-in form) and is
   signed in on the other with the same cookie.
3. Rate limits: one member votes alternately through both servers; the
   limit (VOTE_RATE_LIMIT, set to 10 here) counts both, so exactly 10 votes
   are accepted in the minute and the rest refused, by either server.

It prints what it saw and exits non-zero if any of it fails.
tests/site/test_two_servers.py runs the same checks in the test suite.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import httpload  # noqa: E402

GUNICORN = str(Path(sys.executable).parent / "gunicorn")
RATE_LIMIT = 10


def free_port() -> int:
    """A port nobody listens on now (the system picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(database_url: str, redis_url: str, port: int) -> dict[str, str]:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY")
        or "two-servers-" + "k" * 20 + "-not-for-production-0123456789",
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "4",
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_LOG_LEVEL": "warning",
        "VOTE_RATE_LIMIT": str(RATE_LIMIT),
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
    return env


def start_server(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    log = open(log_path, "w")  # noqa: SIM115 - the server writes to it until stopped
    server = subprocess.Popen(
        [GUNICORN, "-c", "remedies_site/gunicorn.conf.py", "remedies_site.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        httpload.wait_until_up(f"http://127.0.0.1:{env['PORT']}", seconds=60)
    except RuntimeError:
        server.terminate()
        raise
    return server


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _cookie(headers: list[tuple[str, str]], name: str) -> str | None:
    for header, value in headers:
        if header.lower() == "set-cookie" and value.startswith(f"{name}="):
            return value.split(";", 1)[0].split("=", 1)[1]
    return None


def sign_in(base: str, email: str, password: str) -> str:
    """Sign in through the real form; returns the session cookie's value."""
    from django.conf import settings

    status, headers, body = httpload.get(base, "/accounts/login/")
    if status != 200:
        raise AssertionError(f"sign-in page answered {status}")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    csrf_name = settings.CSRF_COOKIE_NAME
    set_cookies = [("Set-Cookie", v) for v in headers.get_all("Set-Cookie") or []]
    csrf = _cookie(set_cookies, csrf_name)
    status, headers, _ = httpload.post(
        base,
        "/accounts/login/",
        {"login": email, "password": password, "csrfmiddlewaretoken": token},
        {"Cookie": f"{csrf_name}={csrf}"},
    )
    session = _cookie(headers, settings.SESSION_COOKIE_NAME)
    if status != 302 or not session:
        raise AssertionError(f"sign-in answered {status} without a session")
    return session


def is_signed_in(base: str, session: str) -> bool:
    """Does this server know the session? The account page answers 200 only then."""
    from django.conf import settings

    cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
    status, _, body = httpload.get(base, "/account/", {"Cookie": cookie})
    return status == 200 and "Sign out" in body


def wait_for_a_fresh_minute(margin: float = 20) -> None:
    """Rate limits count per clock minute: start with enough of one left."""
    left = 60 - time.time() % 60
    if left < margin:
        time.sleep(left + 0.5)


def votes_across(bases: list[str], voter: httpload.Voter, path: str, n: int):
    """Vote `n` times in turn through each server; outcomes per server."""
    import http.client
    from urllib.parse import urlsplit

    outcomes: dict[str, list[str]] = {base: [] for base in bases}
    for i in range(n):
        base = bases[i % len(bases)]
        parts = urlsplit(base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            outcomes[base].append(
                httpload.vote_once(conn, voter, path, "up" if i % 2 else "down")
            )
        finally:
            conn.close()
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="remedies_scale_two")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/2")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--ports", default="8101,8102")
    args = parser.parse_args()
    database_url = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    ports = [int(p) for p in args.ports.split(",")]
    env = server_env(database_url, args.redis_url, ports[0])
    out = Path("/tmp/remedies-bench")
    out.mkdir(exist_ok=True)

    def manage(*argv, capture=False):
        return subprocess.run(
            [sys.executable, "manage.py", *argv],
            cwd=ROOT,
            env=env,
            check=True,
            text=True,
            capture_output=capture,
        ).stdout

    def psql(sql):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True
        )

    if not args.reuse:
        print(f"==> Loading small scale data into {args.database}", flush=True)
        psql(f'DROP DATABASE IF EXISTS "{args.database}"')
        psql(f'CREATE DATABASE "{args.database}"')
        manage("migrate", "--no-input", "--verbosity", "0")
        manage(
            "load_scale", "--preset", "small", "--comments", "2000", "--votes", "5000"
        )
    manage("collectstatic", "--no-input", "--verbosity", "0")

    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "remedies_site.settings")
    import django

    django.setup()
    import redis

    from bench.run import member_sessions, vote_paths

    if args.redis_url:
        redis.Redis.from_url(args.redis_url).flushdb()

    servers = []
    failures = []
    try:
        for port in ports:
            servers.append(
                start_server(
                    server_env(database_url, args.redis_url, port),
                    out / f"gunicorn-{port}.log",
                )
            )
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        print(f"==> Two servers up: {', '.join(bases)}", flush=True)

        # 1. Votes through both at once
        voters = member_sessions(10, 400)
        paths = vote_paths(40)
        result = httpload.cast_votes(
            bases, voters, paths, seconds=8, processes=2, threads=8
        )
        drift_out = manage("recount_votes", "--check", capture=True)
        drift = int(re.search(r"Drift found on (\d+) page", drift_out).group(1))
        print(
            f"1. Votes through both servers at once: {result.ok} accepted "
            f"({result.rate:.0f}/s), {result.refused} refused, {result.errors} errors, "
            f"{len(voters)} members on {len(paths)} pages; tally drift after: {drift}"
        )
        if drift or result.errors or not result.ok:
            failures.append("votes")

        # 2. A session made on one server works on the other
        from accounts.models import User

        member = User.objects.filter(email__endswith="@scale.example").order_by("pk")[1]
        password = "two-servers-password-" + str(member.pk)
        member.set_password(password)
        member.save(update_fields=["password"])
        session = sign_in(bases[0], member.email, password)
        on_a, on_b = is_signed_in(bases[0], session), is_signed_in(bases[1], session)
        print(
            f"2. Signed in on {bases[0]}: signed in there {on_a}, on {bases[1]} {on_b}"
        )
        if not (on_a and on_b):
            failures.append("session")

        # 3. The vote rate limit counts across both servers
        voter = member_sessions(5, 1)[0]
        wait_for_a_fresh_minute()
        outcomes = votes_across(bases, voter, paths[0], RATE_LIMIT + 6)
        accepted = sum(o.count("ok") for o in outcomes.values())
        refused = {b: o.count("refused") for b, o in outcomes.items()}
        print(
            f"3. One member, {RATE_LIMIT + 6} votes alternately through both servers "
            f"(limit {RATE_LIMIT} a minute): {accepted} accepted, refused by "
            + ", ".join(f"{b} {n}" for b, n in refused.items())
        )
        if accepted != RATE_LIMIT or not all(refused.values()):
            failures.append("rate limit")
    finally:
        for server in servers:
            stop_server(server)
    print("FAILED: " + ", ".join(failures) if failures else "All shared.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
