"""HTTP helpers for the benchmark scripts: plain standard library, no Django.

`cast_votes()` drives many members voting at once over keep-alive
connections, each request carrying the member's session cookie and CSRF
token, exactly as the vote box's htmx form posts it.
"""

from __future__ import annotations

import http.client
import multiprocessing
import random
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

# What the vote box says after each kind of vote (votes/views.py).
ACCEPTED = ("your vote is counted", "Your vote was withdrawn", "You had no vote here")
REFUSED = "voting very quickly"


@dataclass
class Voter:
    """A signed-in member: the cookies and token a browser would hold."""

    session_cookie: str  # "sessionid=…" (the name is settings.SESSION_COOKIE_NAME)
    csrf_token: str
    csrf_cookie_name: str = "csrftoken"  # settings.CSRF_COOKIE_NAME

    @property
    def cookie(self) -> str:
        return f"{self.session_cookie}; {self.csrf_cookie_name}={self.csrf_token}"


def get(base_url: str, path: str, headers: dict | None = None, *, timeout=120):
    """One GET: (status, headers as an email.message.Message, body text)."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, response.msg, body
    finally:
        conn.close()


def post(base_url: str, path: str, data: dict, headers: dict | None = None):
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        body = urlencode(data)
        conn.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                **(headers or {}),
            },
        )
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, response.getheaders(), text
    finally:
        conn.close()


def vote_once(conn, voter: Voter, path: str, choice: str) -> str:
    """POST one vote as htmx does; returns "ok", "refused" or "error"."""
    conn.request(
        "POST",
        path,
        body=f"vote={choice}",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": voter.cookie,
            "X-CSRFToken": voter.csrf_token,
            "HX-Request": "true",
        },
    )
    response = conn.getresponse()
    text = response.read().decode("utf-8", "replace")
    if response.status != 200:
        return "error"
    if REFUSED in text:
        return "refused"
    if any(phrase in text for phrase in ACCEPTED):
        return "ok"
    return "error"


@dataclass
class VoteResult:
    ok: int = 0
    refused: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    # Accepted votes by the server that took them.
    by_server: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.ok / self.elapsed if self.elapsed else 0.0

    def merge(self, other: VoteResult) -> None:
        self.ok += other.ok
        self.refused += other.refused
        self.errors += other.errors
        self.latencies.extend(other.latencies)
        for server, n in other.by_server.items():
            self.by_server[server] = self.by_server.get(server, 0) + n


# A member's round: vote, change their mind, withdraw, vote again.
ROUND = ("up", "down", "retract", "up")


def _thread(base_urls, voters, paths, deadline, seed, result, lock):
    rng = random.Random(seed)
    conns = {}
    mine = VoteResult()
    # Threads start on different servers (and members), so each server
    # takes votes from the first round on.
    i = seed
    while time.monotonic() < deadline:
        voter = voters[i % len(voters)]
        path = rng.choice(paths)
        base = base_urls[i % len(base_urls)]
        i += 1
        for choice in ROUND:
            if time.monotonic() >= deadline:
                break
            conn = conns.get(base)
            if conn is None:
                parts = urlsplit(base)
                conn = conns[base] = http.client.HTTPConnection(
                    parts.hostname, parts.port, timeout=30
                )
            started = time.perf_counter()
            try:
                outcome = vote_once(conn, voter, path, choice)
            except (OSError, http.client.HTTPException):
                conn.close()
                conns.pop(base, None)
                outcome = "error"
            mine.latencies.append(time.perf_counter() - started)
            if outcome == "ok":
                mine.ok += 1
                mine.by_server[base] = mine.by_server.get(base, 0) + 1
            elif outcome == "refused":
                mine.refused += 1
            else:
                mine.errors += 1
    for conn in conns.values():
        conn.close()
    with lock:
        result.merge(mine)


def _process(base_urls, voters, paths, threads, seconds, seed, queue):
    result, lock = VoteResult(), threading.Lock()
    deadline = time.monotonic() + seconds
    workers = [
        threading.Thread(
            target=_thread,
            args=(
                base_urls,
                voters[t::threads],
                paths,
                deadline,
                seed * 1000 + t,
                result,
                lock,
            ),
        )
        for t in range(threads)
        if voters[t::threads]
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    queue.put(result)


def cast_votes(
    base_urls: list[str],
    voters: list[Voter],
    paths: list[str],
    *,
    seconds: float,
    processes: int = 4,
    threads: int = 8,
) -> VoteResult:
    """Members vote, change and withdraw votes on `paths` for `seconds`, all at once.

    Each thread takes its own members in turn (never sharing one with another
    thread) and spreads its requests over `base_urls` (one or several app
    servers) on keep-alive connections. Returns the tally of outcomes.
    """
    # Fresh interpreters: forking a process that runs threads (Django's, a
    # test runner's) can deadlock.
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    started = time.perf_counter()
    procs = [
        context.Process(
            target=_process,
            args=(base_urls, voters[p::processes], paths, threads, seconds, p, queue),
        )
        for p in range(processes)
    ]
    for p in procs:
        p.start()
    total = VoteResult()
    for _ in procs:
        total.merge(queue.get())
    for p in procs:
        p.join()
    total.elapsed = time.perf_counter() - started
    return total


def percentile(samples: list[float], pct: float) -> float:
    if not samples:
        return 0.0
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def wait_until_up(base_url: str, *, seconds: float = 60, path="/healthz") -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            status, _, _ = get(base_url, path)
            if status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{base_url} did not answer {path} in {seconds} s")
        time.sleep(0.3)
