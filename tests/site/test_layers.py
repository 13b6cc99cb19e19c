"""Imports run one way, from the top floor down (docs/architecture.md, "The floors").

A module may import from its own app and from any app on a lower floor; an
import from a higher floor, or from an app of the same floor, fails here.
Templates cross floors by name only, so only Python imports are read.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[2]

FLOORS = {
    "core": 1,
    "ailments": 2,
    "remedies": 3,
    "community": 4,
    "votes": 5,
    "discussions": 5,
    "search": 5,
    "accounts": 6,
    "editors": 7,
    "demo": 8,
    "remedies_site": 8,
    "bench": 9,
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def arrows_up() -> list[str]:
    wrong = []
    for app, floor in FLOORS.items():
        for path in sorted((ROOT / app).rglob("*.py")):
            for other in imports_of(path) & FLOORS.keys() - {app}:
                if FLOORS[other] >= floor:
                    wrong.append(f"{path.relative_to(ROOT)} imports {other}")
    return wrong


class LayerTests(SimpleTestCase):
    def test_every_app_of_ours_has_a_floor(self):
        packages = {
            p.parent.name
            for p in ROOT.glob("*/__init__.py")
            if p.parent.name not in {"tests", "scripts", "fixtures"}
        }
        self.assertEqual(packages - FLOORS.keys(), set())

    def test_no_import_runs_back_up(self):
        self.assertEqual(arrows_up(), [])

    def test_the_check_sees_an_import_that_runs_back_up(self):
        # core, the ground floor, importing an app above it is caught.
        probe = ROOT / "core" / "_layers_probe.py"
        probe.write_text("from remedies.models import Remedy\n")
        try:
            self.assertIn("core/_layers_probe.py imports remedies", arrows_up())
        finally:
            probe.unlink()
