"""Setup's formatting of a Google Sheet as batchUpdate requests, made only for what is missing.

What is there is read back from the spreadsheet metadata in one request: the frozen rows
(``gridProperties.frozenRowCount``) and the protected ranges. Data validation cannot be read
without fetching every cell's grid data, so setup leaves a marker instead: developer metadata on
the tab (``og-validation``) holding the rules it last set, as JSON. Rules are set again only when
they differ from the marker (a column moved, a plan added): a second run sends nothing. A rule a
person deleted by hand is not noticed until the rules change; that is the price of the cheap read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from adapters.workbook_plan import header_positions
from sheets.formats import TabFormat
from sheets.schema import normalize_header

if TYPE_CHECKING:
    from guide.triage_views import TriageView

MARKER = "og-validation"
FIELDS = (
    "sheets(properties(sheetId,title,gridProperties(rowCount,columnCount,frozenRowCount)),"
    "protectedRanges(protectedRangeId,range,warningOnly),"
    "developerMetadata(metadataId,metadataKey,metadataValue))"
)
_CHECKBOX = {"condition": {"type": "BOOLEAN"}, "showCustomUi": True}


def rules(fmt: TabFormat, header: Sequence[object]) -> dict[int, dict[str, Any]]:
    """Column position -> the validation rule it should carry; columns the tab lacks, and
    drop-downs with nothing to choose from yet, are left out."""
    positions = header_positions(header)
    out: dict[int, dict[str, Any]] = {}
    for column in fmt.checkboxes:
        if (at := positions.get(normalize_header(column))) is not None:
            out[at] = _CHECKBOX
    for dropdown in fmt.dropdowns:
        at = positions.get(normalize_header(dropdown.column))
        if at is not None and dropdown.choices:
            values = [{"userEnteredValue": c} for c in dropdown.choices]
            # Not strict: a value off the list is kept with a warning, never refused.
            condition = {"type": "ONE_OF_LIST", "values": values}
            out[at] = {"condition": condition, "strict": False, "showCustomUi": True}
    return out


def format_requests(
    layout: Sequence[TabFormat], meta: Mapping[str, Any], headers: dict[str, list[str]]
) -> tuple[list[dict[str, Any]], int]:
    """The requests that bring each existing tab to its format, and how many changes they make
    (marker bookkeeping not counted)."""
    sheets = {s["properties"]["title"]: s for s in meta.get("sheets", [])}
    out: list[dict[str, Any]] = []
    changes = 0
    for fmt in layout:
        sheet = sheets.get(fmt.tab)
        if sheet is None:
            continue
        sheet_id = sheet["properties"]["sheetId"]
        grid = sheet["properties"].get("gridProperties", {})
        if grid.get("frozenRowCount", 0) != fmt.frozen_rows:
            props = {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": fmt.frozen_rows}}
            out.append(
                {
                    "updateSheetProperties": {
                        "properties": props,
                        "fields": "gridProperties.frozenRowCount",
                    }
                }
            )
            changes += 1
        whole = {"sheetId": sheet_id}
        if fmt.protected and not any(
            p.get("range") == whole for p in sheet.get("protectedRanges", [])
        ):
            protected = {
                "range": whole,
                "description": "Written by the guide: an edit here falsifies its record",
                "warningOnly": True,
            }
            out.append({"addProtectedRange": {"protectedRange": protected}})
            changes += 1
        made, count = _validation(fmt, sheet, headers.get(fmt.tab, []))
        out += made
        changes += count
    return out, changes


def _validation(
    fmt: TabFormat, sheet: dict[str, Any], header: list[str]
) -> tuple[list[dict[str, Any]], int]:
    sheet_id = sheet["properties"]["sheetId"]
    want = rules(fmt, header)
    value = json.dumps(sorted(want.items()), sort_keys=True, separators=(",", ":"))
    marker = next(
        (m for m in sheet.get("developerMetadata", []) if m.get("metadataKey") == MARKER), None
    )
    if marker is None and not want:
        return [], 0
    if marker is not None and marker.get("metadataValue") == value:
        return [], 0
    before = {column for column, _ in json.loads(marker["metadataValue"])} if marker else set()
    out: list[dict[str, Any]] = []
    # A column that moved leaves its old rule behind unless it is cleared.
    for column in sorted(before - set(want)):
        out.append({"setDataValidation": {"range": _column(sheet_id, fmt, column)}})
    for column, rule in sorted(want.items()):
        out.append({"setDataValidation": {"range": _column(sheet_id, fmt, column), "rule": rule}})
    count = len(out)
    if marker is None:
        meta = {
            "metadataKey": MARKER,
            "metadataValue": value,
            "location": {"sheetId": sheet_id},
            "visibility": "DOCUMENT",
        }
        out.append({"createDeveloperMetadata": {"developerMetadata": meta}})
    else:
        lookup = {"developerMetadataLookup": {"metadataId": marker["metadataId"]}}
        out.append(
            {
                "updateDeveloperMetadata": {
                    "dataFilters": [lookup],
                    "developerMetadata": {"metadataValue": value},
                    "fields": "metadataValue",
                }
            }
        )
    return out, count


def _column(sheet_id: int, fmt: TabFormat, column: int) -> dict[str, int]:
    """The column below the frozen header, to the bottom of the grid (no end row: all of it)."""
    return {
        "sheetId": sheet_id,
        "startRowIndex": fmt.frozen_rows,
        "startColumnIndex": column,
        "endColumnIndex": column + 1,
    }


def filter_view(view: TriageView, sheet_id: int, width: int, column: int) -> dict[str, Any]:
    """A filter view over the whole tab: rows whose ``column`` is more than the threshold,
    the largest first."""
    return {
        "title": view.title,
        "range": {"sheetId": sheet_id, "startRowIndex": 0, "startColumnIndex": 0,
                  "endColumnIndex": width},
        "filterSpecs": [
            {
                "columnIndex": column,
                "filterCriteria": {
                    "condition": {
                        "type": "NUMBER_GREATER",
                        "values": [{"userEnteredValue": str(view.more_than)}],
                    }
                },
            }
        ],
        "sortSpecs": [{"dimensionIndex": column, "sortOrder": "DESCENDING"}],
    }  # fmt: skip
