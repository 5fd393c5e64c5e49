"""The dependency rule of DESIGN.md, enforced by parsing every import (ast):

| package       | may import                                                        |
| scoring       | numpy, the standard library, itself                                |
| domain        | the standard library, eventsourcing, itself                        |
| projections   | anything but api / fastapi                                          |
| api           | everything; nothing outside api imports api                        |

Relative imports are resolved, ``importlib.import_module("…")`` / ``__import__("…")``
with a literal name count as imports, and imports under ``if TYPE_CHECKING:``
count too (they still couple the packages)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "projections", "scoring", "api")
STDLIB = set(sys.stdlib_module_names)


def imports(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, in line order."""
    return sorted(_imports(path, list(path.relative_to(root).parts)[:-1]))


def _imports(path: Path, package: list[str]) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                yield node.lineno, ".".join(base + ([node.module] if node.module else []))
            else:
                yield node.lineno, node.module or ""
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str) and _is_dynamic_import(node.func)):
            yield node.lineno, node.args[0].value


def _is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in ("__import__", "import_module")
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def violations(package: str, allowed) -> list[str]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for line, module in imports(path):
            root = module.split(".")[0]
            if not allowed(root):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return found


def test_the_packages_are_where_the_rule_expects_them():
    for package in PACKAGES:
        assert (ROOT / package / "__init__.py").is_file(), package


def test_scoring_imports_only_numpy_the_standard_library_and_itself():
    bad = violations("scoring", lambda root: root in STDLIB or root in ("numpy", "scoring"))
    assert not bad, "scoring must stay pure (numpy + stdlib):\n" + "\n".join(bad)


def test_domain_imports_only_the_standard_library_eventsourcing_and_itself():
    bad = violations("domain", lambda root: root in STDLIB or root in ("eventsourcing", "domain"))
    assert not bad, "domain may import only stdlib, eventsourcing and domain:\n" + "\n".join(bad)


def test_projections_never_import_the_api_or_fastapi():
    bad = violations("projections", lambda root: root not in ("api", "fastapi", "starlette"))
    assert not bad, "projections must not depend on the web layer:\n" + "\n".join(bad)


@pytest.mark.parametrize("package", [p for p in PACKAGES if p != "api"])
def test_nothing_outside_api_imports_api(package):
    bad = violations(package, lambda root: root != "api")
    assert not bad, "nothing imports api:\n" + "\n".join(bad)


def test_the_checker_sees_every_kind_of_import(tmp_path):
    """The rule is only as good as the parser: absolute, relative, from-imports and dynamic ones."""
    source = tmp_path / "pkg" / "sub" / "mod.py"
    source.parent.mkdir(parents=True)
    source.write_text(
        "import os, numpy.linalg\n"
        "from sqlalchemy import text\n"
        "from . import sibling\n"
        "from ..other import thing\n"
        "import importlib\n"
        "importlib.import_module('api.cli')\n"
        "if False:\n"
        "    import fastapi\n"
    )
    assert imports(source, root=tmp_path) == [
        (1, "numpy.linalg"), (1, "os"), (2, "sqlalchemy"), (3, "pkg.sub"), (4, "pkg.other"),
        (5, "importlib"), (6, "api.cli"), (8, "fastapi"),
    ]
