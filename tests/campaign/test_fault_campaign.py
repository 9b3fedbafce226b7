"""The fault campaign of issue 10, as a test that prints its figures (marked slow; CI runs it:
pytest's addopts deselect nothing). On a SQLite file and on PostgreSQL:

1. **Kills**: real processes write through the services (a patient with surgery, then a
   session, acknowledging each commit on stdout) and are killed with SIGKILL at random moments.
   Every acknowledged commit must be in the database afterwards, and ``db check`` (integrity,
   schema, audit chain) must pass.
2. **Concurrent edits**: several real processes correct the same session from forms opened at
   the same time (tests/services/stale_worker.py). Every save lands or is refused with the
   conflict message, and the landed ones form one chain: no update is lost.
3. **Fuzzed input**: every service entry point that takes user input
   (tests/services/fuzz_entry_points.py), driven with fuzzed texts, numbers and dates. Nothing
   but the app's refusals escapes, a refusal writes nothing, a save stores nothing its column
   cannot hold.

The zeros are asserted; the summary block is printed whether they hold or not.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
import fuzz_entry_points as fuzz

from rehab_tracker.data import maintenance
from rehab_tracker.data.database import open_database
from rehab_tracker.data.models import Patient, SessionLog
from tests.services.test_stale_edits import (
    _assert_no_lost_edit,
    _campaign,
    _logged_session,
    _session_state,
)

pytestmark = pytest.mark.slow

KILL_WORKER = Path(__file__).with_name("kill_worker.py")
#: rounds of kills, and writers killed in each round (each at its own random moment)
ROUNDS, WRITERS = 10, 3
#: the kills stop after this many seconds once MIN_ROUNDS are done (the campaign stays within
#: about a minute on a busy CI machine)
KILL_BUDGET_S, MIN_ROUNDS = 10.0, 4
KILL_AFTER_S = (0.05, 0.6)
EDIT_WORKERS, EDITS_EACH = 4, 6
FUZZ_EXAMPLES_PER_ENTRY = 3
_ACK = re.compile(r"ack (patient|session) ([0-9a-f-]{36})\n")


@dataclass
class Figures:
    backend: str
    kills: int = 0
    acknowledged: int = 0
    lost: list[str] = field(default_factory=list)
    check_problems: list[str] = field(default_factory=list)
    edits: int = 0
    landed: int = 0
    conflicts: int = 0
    fuzzed: int = 0
    saved: int = 0
    refused: int = 0
    unexpected: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def block(self) -> str:
        return "\n".join(
            [
                f"== fault campaign ({self.backend}) ==",
                f"SIGKILLs during writes:        {self.kills}",
                f"acknowledged commits:          {self.acknowledged}",
                f"acknowledged commits lost:     {len(self.lost)}",
                f"db check after the kills:      "
                f"{'OK' if not self.check_problems else '; '.join(self.check_problems)}",
                f"concurrent edits (processes):  {self.edits} ({EDIT_WORKERS})",
                f"  landed / conflicts detected: {self.landed} / {self.conflicts}",
                "  lost updates:                0 (the landed edits form one chain)",
                f"fuzzed inputs:                 {self.fuzzed} "
                f"({len(fuzz.ENTRY_POINTS)} entry points)",
                f"  saved / refused:             {self.saved} / {self.refused}",
                f"  unexpected exceptions:       {len(self.unexpected)}",
                "time:                          "
                + ", ".join(f"{part} {t:.1f} s" for part, t in self.seconds.items()),
            ]
        )


class Writers:
    """The writer spawner (kill_worker.py): start writers, kill them, collect the acks."""

    def __init__(self, url: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(KILL_WORKER), url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.acks: list[tuple[str, str]] = []
        self.crashed: list[str] = []
        #: writers that could not open the database (busy under load): not a lost commit
        self.unopened: list[str] = []
        self.running: set[int] = set()
        assert self._line() == "ready\n"

    def _line(self) -> str:
        """The spawner's next line; a spawner silent for a minute is killed, so a hang fails
        the campaign with its error output instead of stopping the test run."""
        assert self.proc.stdout is not None
        watchdog = threading.Timer(60, self.proc.kill)
        watchdog.start()
        try:
            line = self.proc.stdout.readline()
        finally:
            watchdog.cancel()
        assert line, self.proc.stderr.read() if self.proc.stderr else "the spawner ended"
        return line

    def start(self, tag: str, tries: int = 3) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"go {tag}\n")
        self.proc.stdin.flush()
        while True:  # acks of running writers come in between
            line = self._line()
            if line.startswith("child "):
                pid = int(line.split()[1])
                self.running.add(pid)
                return pid
            if line.startswith("unopened "):
                self.unopened.append(line.strip())
                assert len(self.unopened) <= 10, f"writers could not open: {self.unopened}"
                if tries > 1:
                    return self.start(tag, tries - 1)
                raise AssertionError(f"a writer could not open the database: {line.strip()}")
            self.acks.extend(_ACK.findall(line))

    def kill(self, pid: int) -> None:
        self.running.discard(pid)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:  # it ended before the kill: it failed
            self.crashed.append(f"writer {pid} ended before it was killed")

    def close(self) -> None:
        for pid in list(self.running):  # a campaign that failed part-way leaves none behind
            self.kill(pid)
        out, err = self.proc.communicate(timeout=60)
        self.acks.extend(_ACK.findall(out))
        if self.proc.returncode != 0:
            self.crashed.append(err.strip().splitlines()[-1] if err.strip() else "spawner failed")


def _kills(url: str, figures: Figures) -> None:
    rng = random.Random(os.environ.get("FAULT_CAMPAIGN_SEED", "10"))
    writers = Writers(url)
    try:
        budget_ends = time.monotonic() + KILL_BUDGET_S
        for n in range(ROUNDS):
            if n >= MIN_ROUNDS and time.monotonic() > budget_ends:
                break  # a loaded machine: fewer rounds, the same checks
            started = time.monotonic()
            pids = [writers.start(f"r{n}w{i}") for i in range(WRITERS)]
            for delay, pid in sorted((rng.uniform(*KILL_AFTER_S), p) for p in pids):
                time.sleep(max(0.0, started + delay - time.monotonic()))
                writers.kill(pid)
                figures.kills += 1
    finally:
        writers.close()
    figures.acknowledged = len(writers.acks)
    figures.check_problems += writers.crashed
    db = open_database(url)
    try:
        with db.reading() as session:
            present = {
                "patient": {str(i) for i in session.scalars(select(Patient.id))},
                "session": {str(i) for i in session.scalars(select(SessionLog.id))},
            }
        figures.lost = [f"{k} {row}" for k, row in writers.acks if row not in present[k]]
        report = maintenance.check(db)
        if not report.ok:
            figures.check_problems += [line for line in report.lines() if "result" not in line]
    finally:
        db.close()


def _concurrent_edits(url: str, tmp_path: Path, figures: Figures) -> None:
    db = open_database(url)
    try:
        row_id = _logged_session(db)
        start = _session_state(db, row_id)[0]
        reports = _campaign(url, "session", row_id, EDIT_WORKERS, EDITS_EACH, tmp_path)
        figures.edits = EDIT_WORKERS * EDITS_EACH
        figures.landed, figures.conflicts = _assert_no_lost_edit(
            reports, figures.edits, start, _session_state(db, row_id)
        )
    finally:
        db.close()


def _fuzz_one(world: fuzz.World, name: str, figures: Figures) -> None:
    """Entry point ``name``, :data:`FUZZ_EXAMPLES_PER_ENTRY` fuzzed calls, each counted."""

    @settings(
        max_examples=FUZZ_EXAMPLES_PER_ENTRY,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        outcome = fuzz.attempt(world, name, data.draw)
        figures.fuzzed += 1
        figures.saved += outcome.saved
        figures.refused += outcome.refused is not None
        if outcome.escaped is not None:
            problem = f"{type(outcome.escaped).__name__}: {str(outcome.escaped)[:200]}"
            figures.unexpected.append(f"{name}: {problem}")
        elif outcome.wrote_on_refusal is not None:
            figures.unexpected.append(
                f"{name}: refused ({outcome.refused}) but wrote {outcome.wrote_on_refusal}"
            )

    run()


def _fuzzing(url: str, figures: Figures) -> None:
    db = open_database(url)
    try:
        world = fuzz.build_world(db)
        for name in fuzz.ENTRY_POINTS:
            _fuzz_one(world, name, figures)
    finally:
        db.close()


@pytest.mark.figures
def test_fault_campaign(
    any_db_url: str, tmp_path: Path
) -> None:
    backend = "PostgreSQL" if "://" in any_db_url else "SQLite file"
    figures = Figures(backend)
    try:
        for part, run in (
            ("kills", lambda: _kills(any_db_url, figures)),
            ("edits", lambda: _concurrent_edits(any_db_url, tmp_path, figures)),
            ("fuzz", lambda: _fuzzing(any_db_url, figures)),
        ):
            started = time.monotonic()
            run()
            figures.seconds[part] = time.monotonic() - started
    finally:
        print("\n" + figures.block())
        for line in figures.lost[:5] + figures.unexpected[:10]:
            print("  " + line)
    assert figures.acknowledged > 0, "no writer got as far as a commit before its kill"
    assert figures.lost == []
    assert figures.check_problems == []
    assert figures.conflicts > 0
    assert figures.unexpected == []
    assert figures.saved > 0 and figures.refused > 0  # the fuzzer reached both outcomes
