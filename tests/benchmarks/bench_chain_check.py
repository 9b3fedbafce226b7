"""Audit-chain and ``db check`` benchmark (issue 12 item 5): time and peak memory of verifying
the trail in full and incrementally, and of ``db check`` as a whole, against floors, at several
clinic sizes.

Run: ``.venv/bin/pytest tests/benchmarks/bench_chain_check.py -m benchmark``. Sizes: 5 and 20
patients (what CI runs: two sizes show whether memory grows; 100 patients took 13 minutes here
on a 2-core machine at load average 9, too long for every CI run); 2,000 too with
``REHAB_TRACKER_BENCH_2K=1``, 10,000 with ``REHAB_TRACKER_BENCH_10K=1``;
``REHAB_TRACKER_BENCH_CHECK_SIZES`` (e.g. ``100,400``) replaces the list. Each clinic is made by
``rehab-tracker demo --patients N``
(``services.demo_clinic``); with ``REHAB_TRACKER_BENCH_CACHE`` set to a folder the generated
files (and the settings folder holding the audit key that sealed them) are kept there and
reused. Generating is much of the cost: 37 s for 100 patients and 21 minutes for 400 were
measured here on a loaded 2-core machine (load average 9).

Every figure is measured in a fresh child process: the seconds of the work itself (after the
imports) and the child's peak resident memory (``VmHWM`` of ``/proc/self/status``, Linux; not
``ru_maxrss``, which keeps the forking parent's peak across ``exec``):

* chain, full: ``audit.walk_chain`` over every entry (every link and seal recomputed);
  floor: raw ``sqlite3`` reading the same columns of every entry in order, and a bare
  HMAC-SHA256 over the bytes of each row;
* ``db check --full``: ``maintenance.check(full=True)`` (integrity check, schema, chain,
  checkpoint, guards, every record against the trail); floor: raw ``sqlite3`` running
  ``PRAGMA integrity_check``, reading every row of every table and the bare HMAC over the
  trail's rows;
* then a patient is enrolled (a few new entries) and the same again incrementally: the chain
  walked from the verified checkpoint the full check left, and ``db check`` without ``--full``.

Prints every figure with its floor and ratio. Asserts only generous bars: the full chain within
:data:`CHAIN_BAR` of its floor and ``db check`` within :data:`CHECK_BAR` of its floor; the
incremental chain walk under :data:`INCREMENTAL_SHARE` of the full one at the largest size; and
peak memory that does not grow with the clinic (the largest size's peak within
:data:`MEMORY_GROWTH` times the smallest's plus :data:`MEMORY_SLACK_MB`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = [pytest.mark.benchmark, pytest.mark.slow]

SIZES = [int(n) for n in os.environ.get("REHAB_TRACKER_BENCH_CHECK_SIZES", "").split(",") if n]
if not SIZES:  # CI: two small clinics (memory growth needs two sizes); the large ones on request
    SIZES = [5, 20]
    SIZES += [2000] if os.environ.get("REHAB_TRACKER_BENCH_2K") == "1" else []
    SIZES += [10_000] if os.environ.get("REHAB_TRACKER_BENCH_10K") == "1" else []
CHAIN_BAR = 200.0
CHECK_BAR = 200.0
INCREMENTAL_SHARE = 0.5
MEMORY_GROWTH = 1.5
MEMORY_SLACK_MB = 64.0

_PRELUDE = """
import json, sys, time
path = sys.argv[1]
def done(seconds):
    # VmHWM: this process's peak resident memory since its exec (ru_maxrss would keep the
    # forking parent's peak across the exec)
    with open("/proc/self/status") as status:
        peak = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:")) / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak}))
"""

CHILDREN = {
    "chain": """
        from rehab_tracker.data import audit
        from rehab_tracker.data.database import open_database
        db = open_database(path, create=False)
        started = time.perf_counter()
        with db.read_connection() as conn:
            result = audit.walk_chain(conn)
        assert not result.problems, result.problems[:3]
        done(time.perf_counter() - started)
    """,
    "chain_incremental": """
        from rehab_tracker.data import audit, audit_keys, trail_check
        from rehab_tracker.data.database import open_database
        db = open_database(path, create=False)
        started = time.perf_counter()
        verified = audit_keys.read_checkpoint(trail_check.location(db)).verified
        with db.read_connection() as conn:
            start = audit.Start(verified.count, verified.head_seq, verified.head)
            result = audit.walk_chain(conn, start=start)
        assert not result.problems and result.walked > 0, (result.problems[:3], result.walked)
        done(time.perf_counter() - started)
    """,
    "chain_floor": """
        import hashlib, hmac, sqlite3
        key = b"k" * 32
        started = time.perf_counter()
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        rows = conn.execute(
            "SELECT seq, prev_hash, hash, id, at, actor, action, entity, entity_id, before,"
            " after, key_id FROM audit_log ORDER BY seq"
        )
        for row in rows:
            hmac.new(key, repr(row).encode(), hashlib.sha256).hexdigest()
        done(time.perf_counter() - started)
    """,
    "check_full": """
        from rehab_tracker.data import maintenance
        from rehab_tracker.data.database import open_database
        db = open_database(path, create=False)
        started = time.perf_counter()
        report = maintenance.check(db, full=True)
        assert report.ok, report.lines()
        done(time.perf_counter() - started)
    """,
    "check_incremental": """
        from rehab_tracker.data import maintenance
        from rehab_tracker.data.database import open_database
        db = open_database(path, create=False)
        started = time.perf_counter()
        report = maintenance.check(db, full=False)
        assert report.ok and not report.full, report.lines()
        done(time.perf_counter() - started)
    """,
    "check_floor": """
        import hashlib, hmac, sqlite3
        key = b"k" * 32
        started = time.perf_counter()
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                if table == "audit_log":
                    hmac.new(key, repr(row).encode(), hashlib.sha256).hexdigest()
        done(time.perf_counter() - started)
    """,
    "add_entries": """
        import datetime as dt
        from rehab_tracker.data.database import open_database
        from rehab_tracker.domain.patients import PatientDetails
        from rehab_tracker.domain.roles import Principal, Role
        from rehab_tracker.services.container import Services
        db = open_database(path, create=False)
        started = time.perf_counter()
        Services(db, Principal("bench", Role.ADMINISTRATOR)).patients.enrol(
            PatientDetails("Bench", "Added", dt.date(1970, 1, 1), "female",
                           pathway="conservative"),
            None, today=dt.date.today())
        done(time.perf_counter() - started)
    """,
}


def _child(name: str, path: Path, env: dict[str, str]) -> dict[str, float]:
    code = _PRELUDE + textwrap.dedent(CHILDREN[name])
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True, text=True, env=env, timeout=6 * 3600, check=False,
    )
    assert done.returncode == 0, f"{name}: {done.stderr[-2000:]}"
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _clinic(patients: int, folder: Path, env: dict[str, str]) -> Path:
    cache = os.environ.get("REHAB_TRACKER_BENCH_CACHE")
    made = (Path(cache) if cache else folder) / f"bench-clinic-{patients}.db"
    if not made.exists():
        partial = made.with_name(made.name + ".partial")
        partial.unlink(missing_ok=True)
        subprocess.run(
            [sys.executable, "-m", "rehab_tracker", "demo", "--patients", str(patients),
             "--db", str(partial)],
            check=True, env=env, capture_output=True, timeout=6 * 3600,
        )
        partial.rename(made)
    work = folder / f"clinic-{patients}.db"  # a copy: the measures add entries to it
    shutil.copyfile(made, work)
    return work


def _line(what: str, path: dict[str, float], floor: dict[str, float] | None) -> str:
    text = f"  {what:<28} {path['seconds']:8.2f} s {path['peak_mb']:8.1f} MB"
    if floor is not None:
        ratio = path["seconds"] / max(floor["seconds"], 1e-6)
        text += f"   floor {floor['seconds']:8.2f} s {floor['peak_mb']:7.1f} MB   {ratio:6.1f}x"
    return text


def test_chain_and_db_check_scale(tmp_path: Path) -> None:
    # the audit key that sealed the generated trails stays with them (in the cache folder)
    home = Path(os.environ.get("REHAB_TRACKER_BENCH_CACHE") or tmp_path) / "home"
    env = {**os.environ, "REHAB_TRACKER_HOME": str(home)}
    rows: dict[int, dict[str, dict[str, float]]] = {}
    for patients in SIZES:
        path = _clinic(patients, tmp_path, env)
        got: dict[str, dict[str, float]] = {}
        for name in ("chain_floor", "chain", "check_floor", "check_full", "add_entries",
                     "chain_incremental", "check_incremental"):
            got[name] = _child(name, path, env)
        rows[patients] = got
        size_mb = path.stat().st_size / 1e6
        print(
            f"\naudit chain and db check, {patients} patients ({size_mb:.0f} MB file):\n"
            + "\n".join([
                _line("chain, full", got["chain"], got["chain_floor"]),
                _line("chain, incremental", got["chain_incremental"], got["chain_floor"]),
                _line("db check --full", got["check_full"], got["check_floor"]),
                _line("db check (incremental)", got["check_incremental"], got["check_floor"]),
            ])
        )
        path.unlink()
    for patients, got in rows.items():
        chain = got["chain"]["seconds"] / max(got["chain_floor"]["seconds"], 1e-6)
        check = got["check_full"]["seconds"] / max(got["check_floor"]["seconds"], 1e-6)
        assert chain < CHAIN_BAR, f"{patients} patients: chain {chain:.0f}x its floor"
        assert check < CHECK_BAR, f"{patients} patients: db check {check:.0f}x its floor"
    largest, smallest = rows[max(rows)], rows[min(rows)]
    assert (
        largest["chain_incremental"]["seconds"]
        < INCREMENTAL_SHARE * largest["chain"]["seconds"]
    )
    for name in ("chain", "chain_incremental", "check_full", "check_incremental"):
        bound = MEMORY_GROWTH * smallest[name]["peak_mb"] + MEMORY_SLACK_MB
        assert largest[name]["peak_mb"] <= bound, (
            f"{name}: {largest[name]['peak_mb']:.0f} MB at {max(rows)} patients, "
            f"{smallest[name]['peak_mb']:.0f} MB at {min(rows)}"
        )
