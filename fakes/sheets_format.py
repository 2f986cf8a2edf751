"""The fake Sheets server's formatting requests: data validation, protected ranges, and developer
metadata, checked for the shapes Google accepts and stored on the sheet so tests can assert them
and the spreadsheet metadata can hand them back (``protectedRanges``, ``developerMetadata``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fakes.sheets_requests import BadRequest, Sheet

if TYPE_CHECKING:
    from fakes.sheets_requests import _Batch

_CONDITIONS = {"BOOLEAN", "ONE_OF_LIST", "ONE_OF_RANGE"}


def _grid_range(batch: _Batch, grid: Any, where: str) -> tuple[Sheet, dict[str, Any]]:
    if not isinstance(grid, dict):
        raise BadRequest(f"Invalid {where}: range must be a GridRange")
    sheet = batch.sheet(grid.get("sheetId", 0), where)
    for start, end, limit in (
        ("startRowIndex", "endRowIndex", sheet.row_count),
        ("startColumnIndex", "endColumnIndex", sheet.column_count),
    ):
        first, last = grid.get(start, 0), grid.get(end, limit)
        if not 0 <= first < last <= limit:
            raise BadRequest(f"Invalid {where}: the range exceeds grid limits")
    return sheet, grid


def set_data_validation(batch: _Batch, args: dict[str, Any], where: str) -> dict[str, Any]:
    """A rule over a range, replacing the one set on that same range; no rule clears it.
    (Google keeps a rule per cell; keyed by range is enough for a fake the adapter drives.)"""
    sheet, grid = _grid_range(batch, args.get("range"), where)
    key = json.dumps(grid, sort_keys=True)
    rule = args.get("rule")
    if rule is None:
        sheet.validations.pop(key, None)
        return {}
    condition = rule.get("condition") if isinstance(rule, dict) else None
    if not isinstance(condition, dict) or condition.get("type") not in _CONDITIONS:
        kind = condition.get("type") if isinstance(condition, dict) else None
        raise BadRequest(f"Invalid {where}: the fake does not support condition {kind!r}")
    kind = condition["type"]
    values = [v.get("userEnteredValue") for v in condition.get("values") or []]
    if kind == "ONE_OF_LIST" and not values:
        raise BadRequest(f"Invalid {where}: ONE_OF_LIST needs at least one value")
    if kind == "ONE_OF_RANGE" and (len(values) != 1 or not str(values[0]).startswith("=")):
        raise BadRequest(f"Invalid {where}: ONE_OF_RANGE needs one value, a range like ='tab'!A2:A")
    if kind == "BOOLEAN" and len(values) not in (0, 2):
        raise BadRequest(f"Invalid {where}: BOOLEAN takes no values or two (checked, unchecked)")
    sheet.validations[key] = {"range": grid, "rule": rule}
    return {}


def add_protected_range(batch: _Batch, args: dict[str, Any], where: str) -> dict[str, Any]:
    protected = dict(args.get("protectedRange") or {})
    sheet, _ = _grid_range(batch, protected.get("range"), where)
    used = [p["protectedRangeId"] for s in batch.sheets for p in s.protected]
    protected["protectedRangeId"] = max(used, default=0) + 1
    sheet.protected.append(protected)
    return {"addProtectedRange": {"protectedRange": protected}}


def create_metadata(batch: _Batch, args: dict[str, Any], where: str) -> dict[str, Any]:
    meta = dict(args.get("developerMetadata") or {})
    location = meta.get("location") or {}
    if "sheetId" not in location or not meta.get("metadataKey"):
        raise BadRequest(f"Invalid {where}: the fake keeps sheet-located, keyed metadata only")
    sheet = batch.sheet(location["sheetId"], where)
    used = [m["metadataId"] for s in batch.sheets for m in s.metadata]
    meta["metadataId"] = max(used, default=0) + 1
    meta.setdefault("visibility", "DOCUMENT")
    sheet.metadata.append(meta)
    return {"createDeveloperMetadata": {"developerMetadata": meta}}


def update_metadata(batch: _Batch, args: dict[str, Any], where: str) -> dict[str, Any]:
    if args.get("fields") != "metadataValue":
        raise BadRequest(f"Invalid {where}: the fake updates metadataValue only")
    ids = {
        (f.get("developerMetadataLookup") or {}).get("metadataId")
        for f in args.get("dataFilters") or []
    }
    value = (args.get("developerMetadata") or {}).get("metadataValue")
    found = []
    for sheet in list(batch.sheets):
        if any(m["metadataId"] in ids for m in sheet.metadata):
            sheet = batch.sheet(sheet.sheet_id, where)
            for meta in sheet.metadata:
                if meta["metadataId"] in ids:
                    meta["metadataValue"] = value
                    found.append(dict(meta))
    if not found:
        raise BadRequest(f"Invalid {where}: no developer metadata matches the filters")
    return {"updateDeveloperMetadata": {"developerMetadata": found}}
