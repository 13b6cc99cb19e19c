"""What the community's tests share: the real worker, run in this process or
as separate processes, and a real SMTP server (aiosmtpd) on a local port."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker

ROOT = Path(__file__).resolve().parents[2]


def run_tasks(*, max_rounds: int = 20) -> int:
    """Run every task that is due with django-tasks-db's own worker loop, in
    this process, until the queue has nothing due; returns how many ran."""
    ran = 0
    for _ in range(max_rounds):
        worker = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        )
        worker.run()
        ran += worker._run_tasks
        if not worker._run_tasks:
            break
    return ran


# A real SMTP server


@dataclass
class Received:
    """The messages the server accepted, in order (thread-safe)."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, message: EmailMessage) -> None:
        with self.lock:
            self.messages.append(message)

    def all(self) -> list[EmailMessage]:
        with self.lock:
            return list(self.messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.all() if address in m["To"]]

    def wait_for(self, count: int, timeout: float = 30) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.all()) >= count:
                return self.all()
            time.sleep(0.05)
        raise AssertionError(
            f"expected {count} emails, got {len(self.all())}: "
            f"{[m['Subject'] for m in self.all()]}"
        )


class Handler:
    """Keeps each message the server accepts. `hold` may block a message in
    the middle of its DATA command, before the server answers (to stop a
    worker while it is sending)."""

    def __init__(self, received: Received):
        self.received = received
        self.hold = None  # a callable(message) -> str | None, run in a thread

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        message = message_from_bytes(envelope.content, policy=policy.default)
        if self.hold is not None:
            refused = await asyncio.get_running_loop().run_in_executor(
                None, self.hold, message
            )
            if refused:
                return refused
        self.received.add(message)
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self):
        self.received = Received()
        self.handler = Handler(self.received)
        self.port = free_port()
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, ready_timeout=10
        )

    def __enter__(self) -> SMTPServer:
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def mailers(self) -> dict:
        """MAILERS that send to this server."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": "127.0.0.1",
                    "port": self.port,
                    "use_tls": False,
                    "timeout": 10,
                },
            }
        }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def body_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def links_in(message: EmailMessage) -> list[str]:
    return re.findall(r"https?://\S+", body_of(message))


# Workers as processes of their own (PostgreSQL: they share this test's database)


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def worker_env(smtp_port: int, site_url: str, **extra) -> dict:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url(),
        "REDIS_URL": getattr(settings, "REDIS_URL", "") or "",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "SITE_URL": site_url,
        "DATABASE_POOL_MIN": "1",
        "DATABASE_POOL_MAX": "2",
        "COMMUNITY_TICK_SECONDS": "1",
        "COMMUNITY_SEND_LEASE_SECONDS": "15",
        "COMMUNITY_RECOVER_AFTER_SECONDS": "2",
        "COMMUNITY_RETRY_BASE_SECONDS": "1",
        "COMMUNITY_DIGEST_HOUR": "0",
        "PYTHONUNBUFFERED": "1",
    }
    env.update({k: str(v) for k, v in extra.items()})
    return env


class WorkerProcess:
    """`manage.py db_worker`, as production runs it."""

    def __init__(self, env: dict, name: str):
        self.log = (
            Path(tempfile.gettempdir()) / f"remedies-worker-{name}-{os.getpid()}.log"
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.2",
                "--no-reload",
                "--no-startup-delay",
                "--worker-id",
                f"{name}-{os.getpid()}",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """As a crash or a power cut would: no chance to finish anything."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")
