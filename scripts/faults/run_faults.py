#!/usr/bin/env python3
"""Fault drills, for real: stop PostgreSQL, stop Redis, kill a worker, under load.

    .venv/bin/python scripts/faults/run_faults.py            # all three drills
    .venv/bin/python scripts/faults/run_faults.py --only db  # or redis, worker

Everything runs on a PRIVATE PostgreSQL cluster and a PRIVATE Redis server that
this script creates in a temporary folder and starts on their own ports (5433
and 6390 by default): the machine's own services are never touched. As root it
runs PostgreSQL as the `postgres` user.

The script migrates and loads the demo content into its cluster, starts the
production server (gunicorn, DEBUG off) on 127.0.0.1:8390, and runs load: page
views by visitors and members, and votes and comments by many signed-in,
verified members. A member whose write is not answered as saved sends the
same form again a second later, as a person would (the same vote, the same
comment token). Then, one drill at a time, with fresh members each:

  db      `pg_ctl stop -m fast`, ~10 s down, start again
  redis   redis-server stopped, ~10 s down, started again
  worker  a gunicorn worker SIGKILLed mid-load, three times

For each it prints the requests, the responses by status, the time to the
first 503 after the stop, the time to recover after the start, and the writes
answered as saved against those found in the database afterwards: none may
be missing and none stored twice. docs/faults.md has the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[2]
PY = REPO / ".venv" / "bin" / "python"
GUNICORN = REPO / ".venv" / "bin" / "gunicorn"
ROOT = REPO  # the code that runs: a snapshot of the last commit unless --worktree
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SHARED_PORTS = {5432, 6379}  # other people's services: never ours to stop

SAVED_VOTE = "your vote is counted"
SAVED_COMMENT = ("Your comment is posted.", "Your reply is posted.")
REFUSED = ("You’re voting very quickly", "You can post once every")
FRIENDLY_503 = 'id="service-notice"'


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def run(cmd, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, **kwargs)


# The private services


class Postgres:
    """A throwaway PostgreSQL cluster in `folder`, listening on 127.0.0.1:`port` only."""

    def __init__(self, folder: Path, port: int):
        self.data = folder / "pgdata"
        self.sockets = folder / "pgsock"
        self.logfile = folder / "postgres.log"
        self.port = port

    def _as_postgres(self, cmd: list[str]) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *cmd]
        return cmd

    def init(self) -> None:
        for path in (self.data, self.sockets):
            path.mkdir()
            if os.geteuid() == 0:
                shutil.chown(path, "postgres", "postgres")
        self.logfile.touch()
        if os.geteuid() == 0:
            shutil.chown(self.logfile, "postgres", "postgres")
        run(
            self._as_postgres(
                [str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres"]
                + ["-A", "trust", "--no-sync", "-E", "UTF8", "--locale", "C.UTF-8"]
            ),
            stdout=subprocess.DEVNULL,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1"
        run(
            self._as_postgres(
                [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.logfile)]
                + ["-o", options, "-w", "start"]
            ),
            stdout=subprocess.DEVNULL,
        )

    def stop(self, mode: str = "fast") -> None:
        run(
            self._as_postgres(
                [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w"]
                + ["stop"]
            ),
            stdout=subprocess.DEVNULL,
        )

    def createdb(self, name: str) -> None:
        run(
            [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port)]
            + ["-U", "postgres", name]
        )


class Redis:
    """A throwaway redis-server on 127.0.0.1:`port`, without persistence (a cache)."""

    def __init__(self, folder: Path, port: int):
        self.folder = folder
        self.port = port
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.folder)]
            + ["--logfile", str(self.folder / "redis.log")],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None

    def dbsize(self) -> int:
        with socket.create_connection(("127.0.0.1", self.port), 1) as s:
            s.sendall(b"SELECT 0\r\nDBSIZE\r\n")
            reply = b""
            while reply.count(b"\r\n") < 2:
                reply += s.recv(64)
        return int(reply.split(b"\r\n")[1].lstrip(b":"))


class Gunicorn:
    def __init__(self, port: int, env: dict, logfile: Path, threads: int):
        self.port = port
        self.env = env
        self.logfile = logfile
        self.threads = threads
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        cmd = [str(GUNICORN), "remedies_site.wsgi", "-w", "2"]
        cmd += ["-b", f"127.0.0.1:{self.port}", "--timeout", "30"]
        if self.threads:
            cmd += ["-k", "gthread", "--threads", str(self.threads)]
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=self.env,
            stdout=self.logfile.open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if http_get(self.port, "/healthz")[0] == 200:
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start: see {self.logfile}")

    def workers(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if self.proc and ppid == self.proc.pid:
                pids.append(int(entry.name))
        return sorted(pids)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


# HTTP


def http_request(
    port: int, method: str, path: str, headers=None, body: str | None = None
) -> tuple[int | str, str]:
    """(status, text); status is "refused", "reset" or "timeout" when there is no answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    except ConnectionRefusedError:
        return "refused", ""
    except (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError):
        return "reset", ""
    except TimeoutError:
        return "timeout", ""
    finally:
        conn.close()


def http_get(port: int, path: str, headers=None):
    return http_request(port, "GET", path, headers)


@dataclass
class Sample:
    kind: str  # page, vote, comment
    start: float
    end: float
    status: int | str
    friendly: bool = False  # a 503 that is our page or notice


@dataclass
class Write:
    kind: str  # vote or comment
    member: int
    page: int
    value: int = 0  # a vote's value
    token: str = ""  # a comment's token
    text: str = ""
    attempts: int = 0
    confirmed: bool = False
    refused: int = 0


@dataclass
class Load:
    port: int
    pages: list[dict]
    members: list[dict]
    readers: int
    cookie_names: tuple[str, str]
    samples: list[Sample] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _send(self, kind, method, path, headers=None, body=None):
        t0 = time.monotonic()
        status, text = http_request(self.port, method, path, headers, body)
        t1 = time.monotonic()
        friendly = status == 503 and FRIENDLY_503 in text
        with self.lock:
            self.samples.append(Sample(kind, t0, t1, status, friendly))
        return status, text

    def _headers(self, member: dict | None, htmx: bool = False) -> dict:
        headers = {}
        if member:
            session, csrf = self.cookie_names
            headers["Cookie"] = (
                f"{session}={member['session']}; {csrf}={member['csrf']}"
            )
            headers["X-CSRFToken"] = member["csrf"]
        if htmx:
            headers["HX-Request"] = "true"
        return headers

    def reader(self, seed: int) -> None:
        rng = random.Random(seed)
        while not self.stop.is_set():
            page = rng.choice(self.pages)
            path = rng.choice(
                [page["url"], page["remedy_url"], "/", "/ailments/", "/remedies/"]
            )
            member = rng.choice(self.members) if rng.random() < 0.5 else None
            self._send("page", "GET", path, self._headers(member))
            time.sleep(rng.uniform(0.05, 0.2))

    def _submit(self, write: Write, member: dict, path: str, fields: dict) -> None:
        """Send the form until it is answered as saved (or the load stops)."""
        body = urlencode({**fields, "csrfmiddlewaretoken": member["csrf"]})
        headers = self._headers(member, htmx=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        while not self.stop.is_set():
            write.attempts += 1
            status, text = self._send(write.kind, "POST", path, headers, body)
            if status == 200 and (
                SAVED_VOTE in text or any(s in text for s in SAVED_COMMENT)
            ):
                write.confirmed = True
                return
            if status == 200 and any(s in text for s in REFUSED):
                write.refused += 1
                time.sleep(2.0)  # the limit says wait: wait, then send it again
            else:
                time.sleep(1.0)  # not answered as saved: send it again

    def writer(self, member: dict, seed: int) -> None:
        rng = random.Random(seed)
        pages = self.pages[:]
        rng.shuffle(pages)
        next_comment = time.monotonic() + rng.uniform(0, 3)
        n = 0
        while not self.stop.is_set() and pages:
            if time.monotonic() >= next_comment:
                page = rng.choice(self.pages)
                n += 1
                write = Write(
                    "comment",
                    member["id"],
                    page["id"],
                    token=str(uuid.uuid4()),
                    text=f"Fault drill {member['id']}-{n}: it helped a little.",
                )
                with self.lock:
                    self.writes.append(write)
                self._submit(
                    write,
                    member,
                    page["comment_url"],
                    {"text": write.text, "token": write.token},
                )
                next_comment = time.monotonic() + 6.0
            else:
                page = pages.pop()
                write = Write(
                    "vote", member["id"], page["id"], value=rng.choice([1, -1])
                )
                with self.lock:
                    self.writes.append(write)
                choice = "up" if write.value == 1 else "down"
                self._submit(write, member, page["vote_url"], {"vote": choice})
            time.sleep(rng.uniform(0.8, 1.4))  # under 60 votes a minute

    def burst(self, member: dict, page: dict, until: float, outcome: Counter) -> None:
        """One member withdrawing a vote they never cast, as fast as they can: each
        attempt counts against the vote rate limit (VOTE_RATE_LIMIT a minute)."""
        body = urlencode({"vote": "retract", "csrfmiddlewaretoken": member["csrf"]})
        headers = self._headers(member, htmx=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        while time.monotonic() < until:
            status, text = self._send("burst", "POST", page["vote_url"], headers, body)
            if status == 200 and "You had no vote here to withdraw" in text:
                key = "allowed"
            elif status == 200 and REFUSED[0] in text:
                key = "limited"
            else:
                key = str(status)
            with self.lock:
                outcome[key] += 1

    def run(self, seconds_before: float, fault, seconds_after: float) -> dict:
        threads = [
            threading.Thread(target=self.reader, args=(i,), daemon=True)
            for i in range(self.readers)
        ] + [
            threading.Thread(target=self.writer, args=(m, 1000 + i), daemon=True)
            for i, m in enumerate(self.members)
        ]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(seconds_before)
        marks = fault(self)
        time.sleep(seconds_after)
        self.stop.set()
        for t in threads:
            t.join(40)
        marks["t0"] = t0
        return marks


# The site, driven from here through Django for setup and checks


class Site:
    def __init__(self, env: dict):
        os.environ.update(env)
        os.environ["DATABASE_POOL_MIN"] = "1"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "remedies_site.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()

    def cookie_names(self) -> tuple[str, str]:
        from django.conf import settings

        return settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME

    def pages(self) -> list[dict]:
        from django.urls import reverse

        from remedies.models import EvidencePage

        out = []
        for page in EvidencePage.objects.published().select_related(
            "remedy", "ailment"
        ):
            args = [page.remedy.slug, page.ailment.slug]
            out.append(
                {
                    "id": page.pk,
                    "url": page.get_absolute_url(),
                    "remedy_url": page.remedy.get_absolute_url(),
                    "vote_url": reverse("votes:vote", args=args),
                    "comment_url": reverse("discussions:post_comment", args=args),
                }
            )
        return out

    def make_members(self, count: int, label: str) -> list[dict]:
        """Verified members a month old, each signed in with a session of their own."""
        from datetime import timedelta
        from importlib import import_module

        from allauth.account.models import EmailAddress
        from django.conf import settings
        from django.contrib.auth import (
            BACKEND_SESSION_KEY,
            HASH_SESSION_KEY,
            SESSION_KEY,
            get_user_model,
        )
        from django.middleware.csrf import CSRF_SESSION_KEY
        from django.utils import timezone
        from django.utils.crypto import get_random_string

        store = import_module(settings.SESSION_ENGINE).SessionStore
        user_model = get_user_model()
        members = []
        for i in range(count):
            email = f"drill-{label}-{i}@example.com"
            user = user_model.objects.create_user(
                username=f"drill-{label}-{i}",
                email=email,
                password=secrets.token_urlsafe(16),
            )
            user.date_joined = timezone.now() - timedelta(days=30)
            user.save(update_fields=["date_joined"])
            EmailAddress.objects.create(
                user=user, email=email, verified=True, primary=True
            )
            csrf = get_random_string(32)
            session = store()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session[CSRF_SESSION_KEY] = csrf  # if CSRF_USE_SESSIONS is on
            session.create()
            members.append(
                {"id": user.pk, "session": session.session_key, "csrf": csrf}
            )
        return members

    def check(self, writes: list[Write], member_ids: list[int]) -> dict:
        from django.db import connections
        from django.db.models import Count, F, Q

        from discussions.models import Comment
        from remedies.models import EvidencePage
        from votes.models import Vote

        connections.close_all()
        rows = {
            (v.member_id, v.page_id): v.value
            for v in Vote.objects.filter(member_id__in=member_ids)
        }
        vote_dupes = (
            Vote.objects.filter(member_id__in=member_ids)
            .values("member_id", "page_id")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .count()
        )
        comments = list(
            Comment.objects.filter(author_id__in=member_ids).values_list(
                "token", "text"
            )
        )
        tokens = Counter(str(t) for t, _ in comments)
        texts = Counter(text for _, text in comments)
        comment_dupes = sum(n - 1 for n in texts.values() if n > 1)

        out = {"vote": Counter(), "comment": Counter()}
        for w in writes:
            c = out[w.kind]
            found = (
                rows.get((w.member, w.page)) == w.value
                if w.kind == "vote"
                else tokens.get(w.token, 0) > 0
            )
            c["sent"] += 1
            c["confirmed"] += w.confirmed
            c["confirmed_found"] += w.confirmed and found
            c["confirmed_missing"] += w.confirmed and not found
            c["unconfirmed_found"] += (not w.confirmed) and found
            c["retried"] += w.attempts > 1
            c["rate_refusals"] += w.refused
        out["vote"]["duplicates"] = vote_dupes
        out["vote"]["rows"] = len(rows)
        out["comment"]["duplicates"] = comment_dupes
        out["comment"]["rows"] = len(comments)
        # Tallies on every page equal to its vote rows (all members, not just ours).
        drift = (
            EvidencePage.objects.annotate(
                up=Count("votes", filter=Q(votes__value=1)),
                down=Count("votes", filter=Q(votes__value=-1)),
            )
            .exclude(votes_up=F("up"), votes_down=F("down"))
            .count()
        )
        connections.close_all()
        return {
            "vote": dict(out["vote"]),
            "comment": dict(out["comment"]),
            "tally_drift": drift,
        }


# Figures


def summarise(load: Load, marks: dict, log_text: str) -> dict:
    samples = load.samples
    by_status = Counter(str(s.status) for s in samples)
    out = {
        "requests": len(samples),
        "by_status": dict(sorted(by_status.items())),
        "friendly_503": sum(s.friendly for s in samples),
        "max_latency_s": round(max((s.end - s.start for s in samples), default=0), 2),
        "tracebacks_in_log": log_text.count("Traceback"),
    }
    ok = lambda s: isinstance(s.status, int) and s.status < 400  # noqa: E731
    if "down" in marks:
        down, up = marks["down"], marks["up"]
        during = [s for s in samples if s.end >= down and s.start <= up]
        out["outage_s"] = round(up - down, 1)
        out["max_latency_during_outage_s"] = round(
            max((s.end - s.start for s in during), default=0), 2
        )
        stop = marks["stop_called"]  # the stop command was given
        first_503 = min(
            (s.end for s in samples if s.status == 503 and s.end >= stop), default=None
        )
        out["stop_took_s"] = round(down - stop, 2)
        out["first_503_after_stop_s"] = (
            round(first_503 - stop, 2) if first_503 is not None else None
        )
        failures = [s for s in samples if not ok(s)]
        out["failed_requests"] = len(failures)
        after = [s for s in samples if s.start >= up]
        first_ok = min((s.end for s in after if ok(s)), default=None)
        last_bad = max((s.end for s in after if not ok(s)), default=None)
        out["first_success_after_start_s"] = (
            round(first_ok - up, 2) if first_ok is not None else None
        )
        out["recovered_after_start_s"] = (
            round(last_bad - up, 2) if last_bad is not None else 0.0
        )
    for key in ("cache_written_again_after_start_s", "rate_limit_burst"):
        if key in marks:
            out[key] = marks[key]
    if "kills" in marks:
        out["workers_killed"] = len(marks["kills"])
    return out


def print_figures(name: str, figures: dict) -> None:
    print(f"\n=== {name} ===")
    for key, value in figures.items():
        if isinstance(value, dict):
            print(f"  {key}:")
            for k, v in value.items():
                print(f"    {k:24} {v}")
        else:
            print(f"  {key:28} {value}")


# Drills


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=["db", "redis", "worker"], action="append")
    parser.add_argument("--pg-port", type=int, default=5433)
    parser.add_argument("--redis-port", type=int, default=6390)
    parser.add_argument("--port", type=int, default=8390)
    parser.add_argument("--members", type=int, default=20, help="writers per drill")
    parser.add_argument("--readers", type=int, default=6)
    parser.add_argument("--outage", type=float, default=10.0)
    parser.add_argument(
        "--threads", type=int, default=0, help="gthread workers with N threads"
    )
    parser.add_argument(
        "--vote-limit",
        type=int,
        default=60,
        help="VOTE_RATE_LIMIT for the server (votes a member may cast a minute)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument(
        "--worktree",
        action="store_true",
        help="run the working tree as it is, not a snapshot of the last commit",
    )
    args = parser.parse_args()
    drills = args.only or ["db", "redis", "worker"]

    for port in (args.pg_port, args.redis_port, args.port):
        if port in SHARED_PORTS:
            sys.exit(f"port {port} belongs to the machine's own services; pick another")
        if not port_is_free(port):
            sys.exit(f"port {port} is in use; pick another")

    global ROOT
    folder = Path(tempfile.mkdtemp(prefix="remedies-faults-"))
    folder.chmod(0o755)
    if not args.worktree:
        # The last commit, exported: work in progress in the tree cannot break
        # the drill, and its static files are collected into the snapshot.
        ROOT = folder / "app"
        ROOT.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", "HEAD"], check=True, capture_output=True
        ).stdout
        run(["tar", "-x", "-C", str(ROOT)], input=archive)
    pg = Postgres(folder, args.pg_port)
    redis = Redis(folder, args.redis_port)
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{args.pg_port}/remedies_faults",
        "REDIS_URL": f"redis://127.0.0.1:{args.redis_port}/0",
        "LOG_LEVEL": "WARNING",
        "VOTE_RATE_LIMIT": str(args.vote_limit),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    server = Gunicorn(args.port, env, folder / "gunicorn.log", args.threads)
    results = {}
    try:
        log(f"scratch folder {folder}; running {ROOT}")
        pg.init()
        pg.start()
        pg.createdb("remedies_faults")
        redis.start()
        log("migrating and loading the demo content")
        for cmd in (["migrate", "--no-input"], ["load_demo"]):
            run(
                [str(PY), "manage.py", *cmd],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
            )
        run(
            [str(PY), "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
        )
        site = Site(env)
        pages = site.pages()
        server.start()
        log(f"gunicorn up on 127.0.0.1:{args.port}, {len(pages)} evidence pages")

        def drill_db(load):
            t = time.monotonic()
            log("stopping PostgreSQL (pg_ctl stop -m fast)")
            pg.stop("fast")
            down = time.monotonic()
            time.sleep(args.outage)
            log("starting PostgreSQL")
            pg.start()
            up = time.monotonic()
            return {"stop_called": t, "down": down, "up": up}

        def drill_redis(load):
            log("stopping Redis")
            t = time.monotonic()
            redis.stop()
            down = time.monotonic()
            # Meanwhile one member hammers the vote button from four tabs: the
            # limit must hold (per process while Redis is down).
            burst = Counter()
            bursters = [
                threading.Thread(
                    target=load.burst,
                    args=(extra, pages[0], down + args.outage, burst),
                    daemon=True,
                )
                for _ in range(4)
            ]
            for burster in bursters:
                burster.start()
            time.sleep(args.outage)
            log("starting Redis")
            redis.start()
            up = time.monotonic()
            # Empty after its restart: the first key stored shows the site uses it again.
            in_use = None
            while time.monotonic() < up + 10:
                if redis.dbsize():
                    in_use = round(time.monotonic() - up, 2)
                    break
                time.sleep(0.05)
            for burster in bursters:
                burster.join(30)
            return {
                "stop_called": t,
                "down": down,
                "up": up,
                "cache_written_again_after_start_s": in_use,
                "rate_limit_burst": dict(burst),
            }

        def drill_worker(load):
            kills = []
            for _ in range(3):
                workers = server.workers()
                victim = random.choice(workers)
                log(f"SIGKILL worker {victim} (of {workers})")
                os.kill(victim, signal.SIGKILL)
                kills.append(time.monotonic())
                time.sleep(4)
            return {"kills": kills}

        drills_by_name = {"db": drill_db, "redis": drill_redis, "worker": drill_worker}
        for name in drills:
            label = f"{name}-{secrets.token_hex(3)}"
            members = site.make_members(args.members, label)
            extra = site.make_members(1, f"{label}-burst")[0]
            offset = server.logfile.stat().st_size
            load = Load(args.port, pages, members, args.readers, site.cookie_names())
            log(f"drill {name}: {len(members)} members writing, {args.readers} readers")
            marks = load.run(5.0, drills_by_name[name], 15.0)
            with server.logfile.open("rb") as f:
                f.seek(offset)
                log_text = f.read().decode("utf-8", "replace")
            figures = summarise(load, marks, log_text)
            figures["writes"] = site.check(load.writes, [m["id"] for m in members])
            results[name] = figures
            print_figures(name, figures)
            time.sleep(3)
        (folder / "results.json").write_text(json.dumps(results, indent=2))
    finally:
        server.stop()
        redis.stop()
        with contextlib.suppress(subprocess.CalledProcessError):
            pg.stop("immediate")
        if args.keep:
            log(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)

    bad = [
        name
        for name, f in results.items()
        if any(f["writes"][k]["confirmed_missing"] for k in ("vote", "comment"))
        or any(f["writes"][k]["duplicates"] for k in ("vote", "comment"))
        or f["writes"]["tally_drift"]
    ]
    print(
        "\nRESULT:",
        "FAILED " + ", ".join(bad) if bad else "nothing lost, nothing doubled",
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
