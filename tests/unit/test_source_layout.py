"""Source layout the project keeps without a linter: two blank lines before every top-level
function and class in ``api`` and ``domain`` (PEP 8), so a definition never hides under the one before."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _crowded(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for node in ast.parse("\n".join(lines)).body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1  # 0-based
        above = lines[max(first - 2, 0):first]
        # The file's first statement, or one following comments written for it, is fine.
        if first >= 2 and any(line.strip() for line in above) and not lines[first - 1].lstrip().startswith("#"):
            found.append(f"{path.relative_to(ROOT)}:{first + 1} {node.name}")
    return found


def test_top_level_definitions_in_api_and_domain_follow_two_blank_lines() -> None:
    crowded = [hit for package in ("api", "domain") for path in sorted((ROOT / package).rglob("*.py"))
               for hit in _crowded(path)]
    assert crowded == []
