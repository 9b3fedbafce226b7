"""Report data of the synthetic patients, for the chart builder tests."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reports import sample_data

from rehab_tracker.data.database import Database
from rehab_tracker.services.report_data.model import ReportData
from rehab_tracker.services.report_data.service import ReportDataService
from tests.staff import staff


@pytest.fixture
def report_data(db: Database) -> Callable[[str], ReportData]:
    """``report_data("twelve_week")`` etc.: add that patient and gather its report data."""

    def make(kind: str) -> ReportData:
        add = getattr(sample_data, f"add_{kind}_patient")
        return ReportDataService(db, staff("tester")).gather(add(db), today=sample_data.TODAY)

    return make
