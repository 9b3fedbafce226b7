"""Home pack benchmark (issue 14): size and export time of a 12-week program's pack, against a
bare JSON dump of the same content encrypted with age and the same passphrase (the floor).

Run: ``.venv/bin/pytest tests/benchmarks/bench_home_pack.py -q -p no:cacheprovider``. The demo
patient with a 12-week program (36 exercise sessions and the education session, 43
prescriptions, three assessments due, two restrictions, baseline scores) and one picture.

- *export*: ``HomePackService.make`` as the CLI runs it: read the rows, build the canonical
  content, sign it, encrypt it (age, scrypt), seal it, write the file, record it and its
  disclosure;
- *floor*: ``json.dumps`` of the same content, then ``pyrage.passphrase.encrypt`` of those
  bytes (what any encrypted export costs; age's scrypt takes most of it on purpose);
- *import*: ``HomeImportService.import_bytes`` into a new home database (verify, decrypt,
  check, apply), against ``pyrage.passphrase.decrypt`` of the floor's file.

Prints medians, sizes and ratios; fails only above generous ratios (the machine is shared).
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import pyrage
import pytest

from rehab_tracker.data.database import Database
from rehab_tracker.services.home_import import HomeImportService
from rehab_tracker.services.home_pack import HomePackService
from tests.conftest import TODAY
from tests.services.home_pack_support import PATIENT, attach_picture, home_database, patient_id
from tests.staff import staff

RUNS = 3
EXPORT_LIMIT = 3.0
SIZE_LIMIT = 1.5
IMPORT_LIMIT = 4.0

pytestmark = pytest.mark.benchmark


def _median(times: list[float]) -> float:
    return statistics.median(times)


def test_home_pack_size_and_export_time(
    demo_db: Database, tmp_path: Path, migrated_template: Path
) -> None:
    pid = patient_id(demo_db, PATIENT)
    attach_picture(demo_db, pid, tmp_path)
    service = HomePackService(demo_db, staff("bench"))
    passphrase = "abandon ability able about above absent"

    export, made = [], []
    for run in range(RUNS):
        start = time.perf_counter()
        made.append(
            service.make(pid, tmp_path / f"pack-{run}.rthp", today=TODAY, passphrase=passphrase)
        )
        export.append(time.perf_counter() - start)

    content = service.content(pid, today=TODAY, version=1, pack_id=made[0].pack_id)
    bare = json.dumps(content).encode("utf-8")
    floor, floor_file = [], b""
    for _ in range(RUNS):
        start = time.perf_counter()
        floor_file = pyrage.passphrase.encrypt(bare, passphrase)
        floor.append(time.perf_counter() - start)

    imported, decrypted = [], []
    for run in range(RUNS):
        home = home_database(tmp_path / f"home-{run}.db", migrated_template)
        try:
            start = time.perf_counter()
            HomeImportService(home).import_bytes(made[run].path.read_bytes(), passphrase)
            imported.append(time.perf_counter() - start)
        finally:
            home.close()
        start = time.perf_counter()
        pyrage.passphrase.decrypt(floor_file, passphrase)
        decrypted.append(time.perf_counter() - start)

    size = made[0].size_bytes
    rows = sum(len(r) for r in content["tables"].values())
    pictures = sum(len(m["base64"]) for m in content["media"])
    print(
        f"\nhome pack of a 12-week program ({rows} rows, {len(content['media'])} picture, "
        f"{len(content['tables']['scheduled_sessions'])} scheduled sessions): "
        f"{size} bytes, floor (bare JSON + age) {len(floor_file)} bytes, "
        f"ratio {size / len(floor_file):.2f} (pictures {pictures} bytes of base64)\n"
        f"export {_median(export) * 1000:.0f} ms, floor {_median(floor) * 1000:.0f} ms, "
        f"ratio {_median(export) / _median(floor):.2f}\n"
        f"import into a new home database {_median(imported) * 1000:.0f} ms, age decrypt "
        f"{_median(decrypted) * 1000:.0f} ms, ratio {_median(imported) / _median(decrypted):.2f}"
    )
    assert size / len(floor_file) < SIZE_LIMIT
    assert _median(export) / _median(floor) < EXPORT_LIMIT
    assert _median(imported) / _median(decrypted) < IMPORT_LIMIT
