"""DraftService and SettingsService: drafts survive a reopen; settings round-trip with defaults."""

from __future__ import annotations

import json

import pytest

from rehab_tracker.data.database import open_database
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.services.drafts import DraftService, outcome_key, session_key
from rehab_tracker.services.settings import SettingsService
from tests.staff import staff


def test_draft_round_trip_and_survives_reopen(db, db_path):
    drafts = DraftService(db, staff("tester"))
    key = session_key("p1", "slot1")
    drafts.save(key, {"notes": "half typed"})
    drafts.save(key, {"notes": "half typed, more"})
    db.close()
    again = DraftService(open_database(db_path), staff("tester"))
    loaded = again.load(key)
    assert loaded is not None and loaded.payload == {"notes": "half typed, more"}
    assert [d.key for d in again.list_drafts("session:")] == [key]
    again.discard(key)
    assert again.load(key) is None
    assert outcome_key("p", "odi") == "outcome:p:odi"


@pytest.mark.parametrize("stored", [True, False, -1, 2.5, "1"])
def test_a_damaged_odi_rule_falls_back_to_its_default(db, stored):
    """A stored ODI rule the setter would refuse (a yes/no, a negative or broken number) is read
    as the default, as every damaged setting is: ``true`` is no count of missing sections."""
    from rehab_tracker.data.models import Setting

    with db.unit_of_work("tester") as session:
        session.add(Setting(key="odi_rule", value={"max_missing": stored}))
    loaded = SettingsService(db, staff("tester")).load().odi_max_missing
    assert loaded == 1 and type(loaded) is int


def test_settings_defaults_and_changes(db):
    s = SettingsService(db, staff("tester"))
    assert s.load().units == "metric" and s.load().odi_max_missing == 1
    s.set_units("imperial")
    s.set_odi_max_missing(0)
    assert s.load().units == "imperial" and s.load().odi_max_missing == 0
    with pytest.raises(ValidationError):
        s.set_units("cubits")
    with pytest.raises(ValidationError) as err:
        s.set_threshold_overrides({"odi": {"absolute": -1}})
    assert "odi.absolute" in err.value.errors


def test_licensed_wording_import(db):
    s = SettingsService(db, staff("tester"))
    doc = {
        "instrument": "odi",
        "licence": "LIC-1",
        "sections": [{"title": f"T{i}", "options": [f"o{j}" for j in range(6)]} for i in range(10)],
    }
    s.import_wording("odi", json.dumps(doc))
    wording = s.load().odi_wording
    assert wording is not None and wording.sections[0].title == "T0"
    with pytest.raises(ValidationError):
        s.import_wording("odi", "{not json")
    s.remove_wording("odi")
    assert s.load().odi_wording is None
