"""Spreadsheet import and export: how street offices and residents' committees work.

    from api.io import KINDS, read_table, run_import, write_template, export_registry
    table = read_table(path.read_bytes(), path.name)                  # .xlsx or .csv (UTF-8/BOM/GBK)
    report = run_import(ledger, "inspections", table, actor)          # all rows or nothing
    report.ok, report.errors, report.events, report.as_dict()
    write_template("inspections", "每月巡查.xlsx")                     # headers, drop-downs, 说明 sheet
    export_registry(database_url, "台账.xlsx")                          # providers, communities, engagements

Rows become existing Ledger commands (``kinds.py``); the domain's rules decide.
"""

from api.io.importer import Importer, authorize_kind, run_import
from api.io.kinds import KINDS
from api.io.readers import Table, read_table
from api.io.report import ImportReport, RowError

__all__ = ["KINDS", "ImportReport", "Importer", "RowError", "Table", "authorize_kind", "read_table", "run_import",
           "write_template", "export_registry"]


def write_template(*args, **kwargs):  # noqa: ANN002, ANN003 - thin lazy wrapper
    from api.io.template import write_template as write

    return write(*args, **kwargs)


def export_registry(*args, **kwargs):  # noqa: ANN002, ANN003
    from api.io.export import export_registry as export

    return export(*args, **kwargs)
