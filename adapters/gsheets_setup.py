"""Setup's calls on a Google Sheet: the tabs with their schema headers, the tabs' formats and
og-triage's filter views. They are ``GoogleSheetsWorkbook``'s port methods (which delegate here),
made on its client with its error translation (``_call``) and its cached sheet list; what they
send is built in ``adapters.workbook_plan``, ``adapters.gsheets_commit`` and
``adapters.gsheets_format``. Setup is rare and safe to run again: each asks only for what is
missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from adapters import gsheets_format
from adapters.gsheets_commit import batch_body, batch_requests
from adapters.gsheets_format import filter_view
from adapters.workbook_plan import missing_columns_plan, new_tab_plan
from guide.ports import WorkbookError
from guide.workbook import Snapshot
from sheets.formats import TabFormat

if TYPE_CHECKING:
    from adapters.gsheets import GoogleSheetsWorkbook
    from guide.triage_views import TriageView

_FILTER_VIEW_FIELDS = "sheets(properties(sheetId,title),filterViews(title))"


def ensure_tabs(workbook: GoogleSheetsWorkbook, tabs: Sequence[str]) -> list[str]:
    workbook._sheets = None  # setup must see the sheet as it is now, not as cached
    sheets = workbook._metadata()
    names = list(dict.fromkeys(tabs))
    missing = [t for t in names if t not in sheets]
    # Setup is rare: reading the tabs whole finds a column a person filled without a header,
    # so a schema column added to an existing tab lands after it, not on it.
    snapshot = workbook.read([t for t in names if t in sheets])
    plans = [p for t in snapshot.tables.values() if (p := missing_columns_plan(t))]
    plans += [new_tab_plan(t) for t in missing]
    if not plans:
        return []
    ids = workbook._sheet_ids(plans, sheets)
    body = batch_body(batch_requests(plans, ids, sheets))
    workbook._call("create tabs", lambda: workbook._batch_update(body))
    workbook._remember(plans, ids, sheets)
    return missing


def ensure_filter_views(
    workbook: GoogleSheetsWorkbook, tab: str, views: Sequence[TriageView]
) -> list[str]:
    """Add each of ``views`` that ``tab`` has no filter view of that title for yet (the
    setup command; safe to run again); return the titles added. One metadata request, one
    header read and one ``batchUpdate`` of ``addFilterView`` requests."""
    meta = workbook._call(
        "read filter views",
        lambda: workbook._http.fetch_sheet_metadata(
            workbook.spreadsheet_id, params={"fields": _FILTER_VIEW_FIELDS}
        ),
    )
    sheet = next(
        (s for s in meta.get("sheets", []) if s.get("properties", {}).get("title") == tab),
        None,
    )
    if sheet is None:
        raise WorkbookError(f"{tab}: no such tab to add its filter views to")
    have = {v.get("title") for v in sheet.get("filterViews", [])}
    missing = [v for v in views if v.title not in have]
    if not missing:
        return []
    table = workbook.read([], header_only=[tab])[tab]
    positions = table.positions()
    sheet_id = int(sheet["properties"].get("sheetId", 0))
    width = max(len(table.header), 1)
    requests = [
        {"addFilterView": {"filter": filter_view(v, sheet_id, width, positions[v.column])}}
        for v in missing
        if v.column in positions
    ]
    if requests:
        body = {"requests": requests}
        workbook._call(
            "add filter views", lambda: workbook._http.batch_update(workbook.spreadsheet_id, body)
        )
    return [v.title for v in missing if v.column in positions]


def format_tabs(workbook: GoogleSheetsWorkbook, layout: Sequence[TabFormat]) -> int:
    """Two reads (the formatting metadata, the headers) and at most one batchUpdate, made
    only for what is missing (see ``adapters.gsheets_format``)."""
    meta = workbook._call(
        "read formatting",
        lambda: workbook._http.fetch_sheet_metadata(
            workbook.spreadsheet_id, params={"fields": gsheets_format.FIELDS}
        ),
    )
    titles = {s["properties"]["title"] for s in meta.get("sheets", [])}
    tabs = [f.tab for f in layout if (f.checkboxes or f.dropdowns) and f.tab in titles]
    snapshot = workbook.read(tabs, header_only=tabs) if tabs else Snapshot({})
    headers = {t: table.header for t, table in snapshot.tables.items()}
    requests, changes = gsheets_format.format_requests(layout, meta, headers)
    if requests:
        body = {"requests": requests}
        workbook._call(
            "format tabs", lambda: workbook._http.batch_update(workbook.spreadsheet_id, body)
        )
    return changes
