"""How the audit viewer words an entry: kinds, record types, field labels and values.

Pure functions over the JSON the trail stores (``data.audit.snapshot``): a field's label comes
from :data:`LABELS` or from its column name (``date_of_birth`` -> "Date of birth", ``height_m``
-> "Height (m)"); a value is shown as a person reads it (yes/no, lists joined, times in local
time, a foreign key as what it names when the caller could look it up).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: what each action of the trail is called (``kind`` filters use the keys); actions written by
#: newer code (sign-in and the like) are shown by their own name
KINDS = {
    "create": "Created",
    "update": "Changed",
    "delete": "Deleted",
    "disclose": "Disclosure",
    "access": "Record opened",
    "restore": "Database restored",
    "seal": "Trail sealed",
    "generate": "Demo data generated",
}

#: record types, by table
ENTITIES = {
    "users": "User",
    "patients": "Patient",
    "surgeries": "Surgery",
    "restrictions": "Restriction",
    "exercises": "Exercise",
    "program_templates": "Program template",
    "education_items": "Education item",
    "programs": "Program",
    "program_phases": "Program phase",
    "prescriptions": "Prescription",
    "scheduled_sessions": "Scheduled visit",
    "scheduled_assessments": "Scheduled assessment",
    "education_records": "Education covered",
    "session_logs": "Session",
    "exercise_logs": "Exercise of a session",
    "set_logs": "Set",
    "adverse_events": "Adverse event",
    "outcome_assessments": "Questionnaire or rating",
    "walk_tests": "Walking or performance test",
    "neuro_screens": "Neurological screen",
    "assessment_skips": "Assessment not done",
    "settings": "Clinic setting",
    "import_batches": "Home log import",
    "database": "Database",
    "audit_log": "Audit trail",
}

#: labels that the column name alone would word badly
LABELS = {
    "date_of_birth": "Date of birth",
    "height_m": "Height (m)",
    "weight_kg": "Weight (kg)",
    "hold_seconds": "Hold (s)",
    "load_kg": "Load (kg)",
    "distance_m": "Distance (m)",
    "duration_s": "Duration (s)",
    "reps_min": "Reps (fewest)",
    "reps_max": "Reps (most)",
    "effort": "Effort (0-10)",
    "effort_target": "Target effort (0-10)",
    "pain_back_before": "Back pain before",
    "pain_back_after": "Back pain after",
    "pain_leg_before": "Leg pain before",
    "pain_leg_after": "Leg pain after",
    "red_flags": "Red-flag screen answers",
    "red_flag_result": "Red-flag screen",
    "scheduled_session_id": "Scheduled visit",
    "item_id": "Education item",
    "timepoint": "Time point",
    "key": "Setting",
    "kind": "What",
    "destination": "Where it went",
    "audience": "Audience",
    "sets": "Sets",
    "set_number": "Set number",
    "weeks": "Weeks",
    "appointment_time": "Time",
    "unkeyed_entries": "Entries sealed",
    "unkeyed_head": "Newest sealed entry",
}
#: bookkeeping every row carries: not shown as a change (the entry says who and when)
BOOKKEEPING = frozenset({"id", "version", "created_at", "updated_at", "created_by"})
EMPTY = "(empty)"
_UNITS = {"_m": " (m)", "_kg": " (kg)", "_s": " (s)"}
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def kind_label(action: str) -> str:
    return KINDS.get(action, action.replace("_", " ").capitalize())


def entity_label(entity: str) -> str:
    return ENTITIES.get(entity, entity.replace("_", " ").capitalize())


@functools.lru_cache(maxsize=1024)
def field_label(name: str) -> str:
    """``name`` (a column's key) as a person calls it."""
    if name in LABELS:
        return LABELS[name]
    if name.endswith("_id"):  # a foreign key: named after what it points at
        name = name[:-3]
    for suffix, unit in _UNITS.items():
        if name.endswith(suffix):
            return name[: -len(suffix)].replace("_", " ").capitalize() + unit
    return name.replace("_", " ").capitalize()


def local_time(at: dt.datetime) -> str:
    """A UTC time as the workstation's local time, to the second."""
    return at.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _text_of(value: str, names: Mapping[str, str] | None) -> str:
    if names and value in names:
        return names[value]
    if _ISO_TIME.match(value):
        try:
            return local_time(dt.datetime.fromisoformat(value))
        except ValueError:
            pass
    return value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def value_text(value: Any, names: Mapping[str, str] | None = None) -> str:
    """``value`` (JSON from the trail) as text; a UUID ``names`` knows is shown as its name."""
    if _empty(value):
        text = EMPTY
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, float):
        text = f"{value:g}"
    elif isinstance(value, str):
        text = _text_of(value, names)
    elif isinstance(value, list):
        text = ", ".join(value_text(v, names) if v is not None else "-" for v in value)
    elif isinstance(value, dict):
        text = "; ".join(f"{field_label(str(k))}: {value_text(v, names)}" for k, v in value.items())
    else:
        text = str(value)
    return text


@dataclass(frozen=True)
class Change:
    """One field of an entry: its value before and after (None where the entry has no side:
    a new record has no before, a removed one no after, a disclosure only details)."""

    field: str
    label: str
    before: str | None
    after: str | None

    def text(self, arrow: str = "->") -> str:
        if self.before is None:
            return f"{self.label}: {self.after}"
        if self.after is None:
            return f"{self.label}: {self.before}"
        return f"{self.label}: {self.before} {arrow} {self.after}"


def changes(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    names: Mapping[str, str] | None = None,
    order: Sequence[str] = (),
) -> tuple[Change, ...]:
    """The fields that changed between ``before`` and ``after``; for a new or removed record,
    its non-empty fields. In the order of ``order`` (the record's columns), then as stored
    (PostgreSQL's JSONB keeps its own order of keys)."""
    found: list[Change] = []
    rank = {key: i for i, key in enumerate(order)}

    def ordered(keys: Iterable[str]) -> list[str]:
        return sorted(dict.fromkeys(keys), key=lambda k: rank.get(k, len(rank)))

    if before is not None and after is not None:
        for key in ordered([*before, *after]):
            if key in BOOKKEEPING or before.get(key) == after.get(key):
                continue
            found.append(Change(key, field_label(key), value_text(before.get(key), names),
                                value_text(after.get(key), names)))
        return tuple(found)
    side = after if after is not None else before
    side = side or {}
    for key in ordered(side):
        value = side[key]
        if key in BOOKKEEPING or _empty(value):
            continue
        text = value_text(value, names)
        found.append(Change(key, field_label(key), None if after is not None else text,
                            text if after is not None else None))
    return tuple(found)
