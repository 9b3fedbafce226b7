"""The prescription table's columns and its cells: which apply, their ranges, reading and parsing.

Plain functions over the service's ``PrescriptionDraft`` (no Qt): the model, its undo commands and
the cell delegate share them. The ranges are the domain's limits table (``domain.dosage.LIMITS``),
with the time shown in minutes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rehab_tracker.domain.dosage import DOSAGE_TYPES, LIMITS, Limit, fitting_fields
from rehab_tracker.services.programs import PrescriptionDraft

#: (key, header) of the prescription table's columns
COLUMNS: tuple[tuple[str, str], ...] = (
    ("exercise", "Exercise"),
    ("sets", "Sets"),
    ("reps_min", "Reps min"),
    ("reps_max", "Reps max"),
    ("hold_seconds", "Hold (s)"),
    ("distance_m", "Distance (m)"),
    ("duration_min", "Time (min)"),
    ("load_kg", "Load (kg)"),
    ("effort_target", "Effort (0-10)"),
    ("notes", "Notes"),
    ("suggestion", "Suggestion"),
)
COLUMN = {key: i for i, (key, _) in enumerate(COLUMNS)}
HEADER = dict(COLUMNS)
#: the range of each dose cell: the domain's limits table, the time shown in minutes
CELL_LIMITS: dict[str, Limit] = {
    ("duration_min" if name == "duration_s" else name): limit for name, limit in LIMITS.items()
}
CELL_LIMITS["duration_min"] = replace(
    LIMITS["duration_s"], maximum=LIMITS["duration_s"].maximum / 60.0, unit="min"
)
#: which dosage cells apply to each dosage type (notes always do)
APPLIES: dict[str, frozenset[str]] = {
    kind: frozenset(
        "duration_min" if name == "duration_s" else name
        for name in fitting_fields(kind)
        if name != "dosage_type"
    )
    for kind in DOSAGE_TYPES
}
NOT_APPLICABLE = "–"


def item_name(item: PrescriptionDraft) -> str:
    """The exercise's name as the table shows it (its code when the name is not known)."""
    return item.exercise_name or item.exercise_code


def applies(item: PrescriptionDraft, key: str) -> bool:
    """Whether the cell ``key`` means something for the item's dosage type."""
    return key == "notes" or key in APPLIES.get(item.dosage.dosage_type, set())


def fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


def cell_value(item: PrescriptionDraft, key: str) -> Any:
    """The model value of one dosage cell (None when empty)."""
    d = item.dosage
    if key == "duration_min":
        return None if d.duration_s is None else round(d.duration_s / 60.0, 4)
    if key == "notes":
        return item.notes
    return getattr(d, key)


def cell_text(item: PrescriptionDraft, key: str) -> str:
    """What a dose or notes cell shows and edits ("" when empty)."""
    value = cell_value(item, key)
    if key == "notes":
        return "" if value is None else str(value)
    return fmt(value)


def with_cell(item: PrescriptionDraft, key: str, value: Any) -> PrescriptionDraft:
    """``item`` with one cell changed (value already parsed)."""
    if key == "notes":
        return replace(item, notes=value)
    if key == "duration_min":
        return replace(
            item, dosage=replace(item.dosage, duration_s=None if value is None else value * 60.0)
        )
    return replace(item, dosage=replace(item.dosage, **{key: value}))


def parse_cell(key: str, value: Any) -> tuple[bool, Any]:
    """Parse what the user typed for a cell: (ok, value). Blank is None except for sets."""
    if key == "notes":
        text = "" if value is None else str(value).strip()
        return True, text or None
    if value is None or (isinstance(value, str) and not value.strip()):
        return key != "sets", None
    text = str(value).strip().replace(",", ".")
    try:
        number: float = float(text)
    except ValueError:
        return False, None
    limit = CELL_LIMITS[key]
    if limit.whole:
        if not number.is_integer():
            return False, None
        return limit.allows(int(number)), int(number)
    return limit.allows(number), number
