"""The settings module: refuses unsafe production config, passes the deploy check."""

import os
import subprocess
import sys

from django.conf import settings

PROJECT = settings.BASE_DIR


def run_manage(*args, **env):
    # Only what a fresh shell has, plus the variables under test.
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_debug_a_missing_secret_key_stops_with_a_clear_message():
    result = run_manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_deploy_check_is_clean_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 30 + "a-production-secret-with-enough-entropy-9f8e7d",
        ALLOWED_HOSTS="remedies.example",
        EMAIL_HOST="smtp.remedies.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_database_url_selects_postgresql_with_a_pool():
    code = (
        "import django.conf as c;"
        "d=c.settings.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], 'pool' in d['OPTIONS'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "remedies_site.settings",
            "DEBUG": "1",
            "DATABASE_URL": "postgres://u@127.0.0.1:5432/remedies_x",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == [
        "core.postgres",  # Django's backend, failing fast when it is down
        "remedies_x",
        "True",
    ]
