"""services._lookup: the one current-program rule and the shared patient lookups."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from rehab_tracker.data.database import Database
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.errors import NotFoundError


@dataclass
class _Program:
    name: str
    status: str


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ((), None),
        (("completed",), 0),
        (("active", "completed"), 0),  # a running program beats a later finished one
        (("planned", "active", "stopped"), 1),  # the latest running one
        (("completed", "stopped"), 1),  # none running: the latest
    ],
)
def test_current_program(statuses: tuple[str, ...], expected: int | None) -> None:
    programs = [_Program(str(i), s) for i, s in enumerate(statuses)]
    chosen = lookup.current_program(programs)
    assert chosen is (None if expected is None else programs[expected])


def test_unknown_patient(db: Database) -> None:
    with db.reading() as session:
        with pytest.raises(NotFoundError):
            lookup.patient(session, uuid.uuid4())
        assert lookup.latest_surgery_date(session, uuid.uuid4()) is None
        assert lookup.programs_by_start(session, uuid.uuid4()) == []
