"""Every machine installs exactly what uv.lock holds (README, "Upgrading dependencies")."""

import re
import subprocess
import tomllib
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[2]
UV = ROOT / ".tools" / "uv" / "bin" / "uv"


class LockedInstallTests(SimpleTestCase):
    def test_the_lock_agrees_with_pyproject(self):
        done = subprocess.run(
            [UV, "lock", "--check", "--offline"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={"UV_PYTHON_DOWNLOADS": "never", "PATH": "/usr/bin:/bin"},
        )
        self.assertEqual(done.returncode, 0, done.stderr)

    def test_the_bootstrap_installs_the_uv_that_pyproject_requires(self):
        pinned = re.search(
            r"^uv==([\d.]+)", (ROOT / "requirements/uv.txt").read_text(), re.M
        )[1]
        with (ROOT / "pyproject.toml").open("rb") as f:
            required = tomllib.load(f)["tool"]["uv"]["required-version"]
        self.assertEqual(required, f"=={pinned}")

    def test_the_bootstrap_checks_a_hash_for_every_file(self):
        text = (ROOT / "requirements/uv.txt").read_text()
        self.assertGreaterEqual(text.count("--hash=sha256:"), 10)

    def test_every_locked_package_carries_hashes(self):
        with (ROOT / "uv.lock").open("rb") as f:
            lock = tomllib.load(f)
        for package in lock["package"]:
            if package["name"] == "remedies":
                continue
            files = [*package.get("wheels", []), package.get("sdist") or {}]
            with self.subTest(package["name"]):
                self.assertTrue(
                    all(f.get("hash", "").startswith("sha256:") for f in files if f)
                )
