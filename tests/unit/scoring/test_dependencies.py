"""scoring imports only numpy and the standard library (DESIGN.md, dependency rule)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import scoring

SCORING = Path(scoring.__file__).parent


def test_scoring_imports_only_numpy_and_the_standard_library():
    allowed = set(sys.stdlib_module_names) | {"numpy", "__future__"}
    for path in SCORING.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                roots = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = [node.module.split(".")[0]]
            else:
                continue
            bad = [r for r in roots if r not in allowed]
            assert not bad, f"{path.name} imports {bad}"


def test_scoring_uses_no_clock_and_no_io():
    banned = ("datetime.now", "date.today", "time.time", "open(", "print(", "random.")
    for path in SCORING.rglob("*.py"):
        text = path.read_text()
        assert not [b for b in banned if b in text], path.name
