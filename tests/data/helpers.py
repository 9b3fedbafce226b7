"""Small helpers shared by the data-layer tests."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from rehab_tracker.data.models import Patient


def make_patient(number: str = "RT-T0001", **changes: object) -> Patient:
    values: dict[str, object] = {
        "record_number": number,
        "given_name": "Ada",
        "family_name": "Lovelace",
        "date_of_birth": dt.date(1980, 5, 17),
        "sex": "female",
        "pathway": "surgical",
        "height_m": 1.68,
        "weight_kg": 61.5,
    }
    values.update(changes)
    return Patient(**values)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
