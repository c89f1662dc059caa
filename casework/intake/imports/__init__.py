"""Bulk import of reports from patrol spreadsheets (CSV or XLSX).

Three steps, so that nothing is written before the user has seen what will happen:
`parse_upload` reads a file safely into rows, `validate_rows` checks every row and
decides what each would become (a new case, another report of a case, or nothing
because it is already in Pantau), and `commit_import` writes the valid rows in one
transaction. Re-importing a file adds nothing: a row that the same office already
reported for the same content and the same reporter is recognised.

Four modules, one way: `columns` (the template's columns, their aliases, the templates)
← `reading` (a file into raw rows, the archive guard) ← `checking` (each row's problems,
the dry run, what each row becomes) ← `writing` (the accepted rows through the filing
path, all or nothing). A new column starts in `columns`. This package exposes what
callers use; anything else is imported from its module.

What it may import: MAY_IMPORT in tests/unit/test_rooms.py keeps it."""

from casework.intake.imports.checking import (
    ADDED_REPORT,
    AMBIGUOUS_REGENCY,
    BAD_NUMBER,
    BAD_TIME,
    EXAMPLE_LEFT_OUT,
    HIDDEN_REMOVED,
    NEW_CASE,
    NO_LINK,
    OUTCOME_LABELS,
    OUTSIDE_REGION,
    UNCHANGED,
    UNKNOWN_PLATFORM,
    UNKNOWN_PRIORITY,
    UNKNOWN_PROVINCE,
    UNKNOWN_REGENCY,
    UNKNOWN_VALUE,
    validate_rows,
)
from casework.intake.imports.columns import (
    CHOICE_FIELDS,
    FIELDS,
    TEMPLATE_ROWS,
    header,
    template_choices,
    template_csv,
    template_xlsx,
)
from casework.intake.imports.reading import (
    DUPLICATE_COLUMN,
    EXTRA_CELLS,
    FILE_EMPTY,
    FILE_TOO_LARGE,
    MAX_UPLOAD_BYTES,
    MISSING_COLUMNS,
    NO_ROWS,
    NOT_A_SPREADSHEET,
    NOT_A_WORKBOOK,
    NOT_UTF8,
    OLD_EXCEL,
    TOO_MANY_ROWS,
    TOO_MANY_TEXTS,
    UNKNOWN_COLUMN,
    UNREADABLE_WORKBOOK,
    ZIP_BOMB,
    parse_upload,
)
from casework.intake.imports.writing import FILE_REFUSED, commit_import

__all__ = [
    "ADDED_REPORT",
    "AMBIGUOUS_REGENCY",
    "BAD_NUMBER",
    "BAD_TIME",
    "CHOICE_FIELDS",
    "DUPLICATE_COLUMN",
    "EXAMPLE_LEFT_OUT",
    "EXTRA_CELLS",
    "FIELDS",
    "FILE_EMPTY",
    "FILE_REFUSED",
    "FILE_TOO_LARGE",
    "HIDDEN_REMOVED",
    "MAX_UPLOAD_BYTES",
    "MISSING_COLUMNS",
    "NEW_CASE",
    "NOT_A_SPREADSHEET",
    "NOT_A_WORKBOOK",
    "NOT_UTF8",
    "NO_LINK",
    "NO_ROWS",
    "OLD_EXCEL",
    "OUTCOME_LABELS",
    "OUTSIDE_REGION",
    "TEMPLATE_ROWS",
    "TOO_MANY_ROWS",
    "TOO_MANY_TEXTS",
    "UNCHANGED",
    "UNKNOWN_COLUMN",
    "UNKNOWN_PLATFORM",
    "UNKNOWN_PRIORITY",
    "UNKNOWN_PROVINCE",
    "UNKNOWN_REGENCY",
    "UNKNOWN_VALUE",
    "UNREADABLE_WORKBOOK",
    "ZIP_BOMB",
    "commit_import",
    "header",
    "parse_upload",
    "template_choices",
    "template_csv",
    "template_xlsx",
    "validate_rows",
]
