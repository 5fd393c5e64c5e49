"""The `taizhang` command line. Sub-commands live in api/cli_*.py modules and
are registered here, so each capability keeps its own small module."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(help="台账 Taizhang: property-service governance ledger", no_args_is_help=True)

# Each module defines `register(app)`; a module that is not there yet is skipped
# so capabilities can land one at a time.
_COMMAND_MODULES = ("api.cli_demo", "api.cli_project", "api.cli_audit", "api.cli_cycle",
                    "api.cli_subsidy", "api.cli_io", "api.cli_serve")


def _register_all() -> None:
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        module.register(app)


def main() -> None:
    _register_all()
    app()
