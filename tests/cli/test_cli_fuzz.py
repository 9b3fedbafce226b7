"""Whatever is typed on the command line, ``rehab-tracker`` answers in lines a terminal shows as
they are, exits 0 or 2, and writes nothing when it refuses (issue 10 items 4 and 5).

:func:`rehab_tracker.cli.main` runs in-process with fuzzed arguments (control characters, bidi
overrides, NUL, very long strings, odd dates, bad ``--db`` targets) against a clinic on a SQLite
file and on PostgreSQL. Its patients include names typed before the domain refused control
characters (an ESC sequence, a newline that forges a line of ``patients``), written straight
into the tables as an older version did. For every call:

* no exception escapes (argparse's exit is code 0 or 2), no traceback is printed;
* every line printed is shown as is by a terminal (:func:`for_terminal` leaves it unchanged: no
  ESC, no carriage return, no bidi override; a tab only between the fields of ``patients``);
* code 2 is one line on stderr;
* a refusal writes nothing: the same rows in every table, no new file.

The number of calls and commands is printed like the fault campaign's figures.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import sqlite3
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
import fuzz_entry_points as fuzz
from sqlalchemy import text

from rehab_tracker import cli
from rehab_tracker.data.database import Database
from rehab_tracker.data.models import Patient
from rehab_tracker.domain.escaping import for_terminal
from rehab_tracker.domain.roles import Role
from rehab_tracker.services import users
from tests.conftest import TEST_PASSWORD, TEST_USER
from tests.services.test_input_fuzz import fuzz_database

#: fuzzed command lines per backend (REHAB_TRACKER_FUZZ_EXAMPLES raises it for a long hunt)
EXAMPLES = max(30, int(os.environ.get("REHAB_TRACKER_FUZZ_EXAMPLES", "0")))
#: names typed before the domain refused them, as an older version stored them
LEGACY_NAMES = (
    ("Eve\x1b[2J\x1b]0;pwned\x07", "Mallory"),
    ("Forged", "Line\nRT-99999\tEvil Twin\t2026-01-01\tweek 1"),
    ("Bidi", "\u202eevil\u202c Name"),
)
#: names the domain takes that a renderer or a terminal may still stumble on
ODD_NAMES = (("<b>Bold</b> & co", "O'Brien"), ("Nguyễn", "محمد"), ("A" * 100, "Z" * 100))


@dataclass
class Clinic:
    db: Database
    target: str  # what --db names
    folder: Path  # where files may be written (reports, backups, the SQLite file)
    record_numbers: list[str]
    patient_ids: list[str]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def clinic(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    migrated_template: Path,
) -> Iterator[Clinic]:
    folder = tmp_path_factory.mktemp("cli-fuzz")
    with (
        pytest.MonkeyPatch.context() as patch,
        fuzz_database(request.param, folder, migrated_template, "t_clifuzz_") as (db, target),
    ):
        patch.setenv("REHAB_TRACKER_HOME", str(folder / "home"))
        patch.delenv("REHAB_TRACKER_DB", raising=False)
        world = fuzz.build_world(db)
        # the first start: the administrator the command line signs in as (tests/conftest.py)
        users.create_first_administrator(
            db, users.UserForm(TEST_USER, "Admin", Role.ADMINISTRATOR, TEST_PASSWORD)
        )
        for given, family in ODD_NAMES:
            world.services.patients.enrol(
                fuzz.person(given_name=given, family_name=family), fuzz.SURGERY, today=fuzz.TODAY
            )
        with db.unit_of_work("older-version") as session:
            for n, (given, family) in enumerate(LEGACY_NAMES):
                session.add(
                    Patient(
                        record_number=f"RT-LEG{n}",
                        given_name=given,
                        family_name=family,
                        date_of_birth=fuzz.BORN,
                        sex="female",
                        pathway="conservative",
                    )
                )
        rows = world.services.patients.list_patients(today=fuzz.TODAY)
        yield Clinic(db, target, folder, [r.record_number for r in rows], [str(r.id) for r in rows])


# --- strategies ------------------------------------------------------------------------------

NASTY = ("\x00", "\x1b[31m", "\n", "\r", "\t", "\u202e", "\u2066", "\ud800", "é", "日本", "-", "--")


def _text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(
            st.one_of(st.sampled_from(NASTY), st.text(max_size=6), st.text("abc-. /", max_size=8)),
            max_size=5,
        ).map("".join),
        st.integers(1, 3).map(lambda n: "x" * (150 * n)),  # past a file name's 255 bytes
    )


def _dates() -> st.SearchStrategy[str]:
    return st.one_of(
        st.dates().map(dt.date.isoformat),
        st.sampled_from(
            ["2026-02-30", "0000-01-01", "9999-12-31", "2026-13-01", "26-11-23", "", "today"]
        ),
        _text(),
    )


def _db_targets(c: Clinic) -> st.SearchStrategy[str]:
    bad = st.one_of(
        st.sampled_from(
            [
                "mysql://root@localhost/clinic",
                ":memory:",
                "sqlite://",
                "",
                "postgresql+psycopg://postgres@127.0.0.1:9/none?connect_timeout=2",
                "postgresql://",
                str(c.folder),
                str(c.folder / "nowhere" / "x.db"),
                str(c.folder / "empty.db"),
                str(c.folder / "foreign.db"),
                str(c.folder / ("y" * 300 + ".db")),
                "file:x.db?mode=ro",
            ]
        ),
        _text(),
    )
    return st.one_of(st.just(c.target), st.just(c.target), bad)


def _argv(c: Clinic, draw: fuzz.Draw) -> list[str]:
    """One command line: a command, its arguments (each fuzzed or ordinary) and ``--db``."""
    command = draw(
        st.sampled_from(
            [
                "patients",
                "patients --json",
                "db current",
                "db check",
                "db backups",
                "db restore",
                "db upgrade",
                "report",
                "demo",
                "bogus",
            ]
        )
    )
    argv = command.split()
    if command == "db restore":
        argv.append(draw(st.one_of(_text(), st.just("clinic-manual.db"))))
    elif command == "report":
        # a patient found renders a PDF (seconds): one report in ten
        found = draw(st.integers(0, 9)) == 5  # 0 and 9 come often
        argv.append(
            draw(st.sampled_from(c.record_numbers + c.patient_ids[:1])) if found else draw(_text())
        )
        out = draw(st.one_of(st.just("report.pdf"), _text()))
        argv += ["--out", str(c.folder / "out" / out) if out else out]
        if draw(st.booleans()):
            argv += [
                "--audience",
                draw(st.one_of(st.sampled_from(["patient", "clinical"]), _text())),
            ]
        for option in ("--from", "--to"):
            if draw(st.booleans()):
                argv += [option, draw(_dates())]
    elif command == "demo":
        argv += draw(
            st.sampled_from([[], ["--seed", "x\x1b"], ["--patients", "0"], ["--patients", "-3"]])
        )
    argv += ["--db", draw(_db_targets(c))]
    extra = draw(st.lists(_text(), max_size=2))  # stray words and options
    return argv + extra


# --- one call --------------------------------------------------------------------------------


@dataclass
class Figures:
    backend: str
    calls: int = 0
    codes: Counter[int] = field(default_factory=Counter)
    commands: set[str] = field(default_factory=set)

    def block(self) -> str:
        codes = ", ".join(f"exit {code}: {n}" for code, n in sorted(self.codes.items()))
        return (
            f"== CLI fuzz ({self.backend}) ==\n"
            f"fuzzed command lines:          {self.calls} ({len(self.commands)} commands)\n"
            f"  {codes}\n"
            "  unexpected exceptions:       0"
        )


def _files(folder: Path) -> dict[str, int]:
    """Every file under ``folder`` but the SQLite file's own (WAL, shared memory)."""
    return {
        str(p.relative_to(folder)): p.stat().st_size
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith("clinic.db")
    }


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    umask = os.umask(0o077)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(argv)
            except SystemExit as exit_:  # argparse: --help, --version, a usage error
                code = exit_.code if isinstance(exit_.code, int) else 2
    finally:
        os.umask(umask)
    return code, out.getvalue(), err.getvalue()


def _rows(db: Database) -> dict[str, int]:
    """Every table's row count, the trail's counted without the entries about staff accounts:
    a command signs in (the account's last sign-in, audited) before it checks its arguments."""
    counts = fuzz.row_counts(db)
    with db.read_connection() as conn:
        counts["audit_log"] -= conn.execute(
            text("SELECT count(*) FROM audit_log WHERE entity = 'users'")
        ).scalar_one()
    return counts


def _check_call(c: Clinic, argv: list[str], figures: Figures) -> None:
    before_rows = _rows(c.db)
    before_files = _files(c.folder)
    code, out, err = _run(argv)
    figures.calls += 1
    figures.codes[code] += 1
    figures.commands.add(" ".join(argv[:2]) if argv[0] == "db" else argv[0])
    shown = f"{argv!r} -> {code}\nstdout: {out!r}\nstderr: {err!r}"
    assert code in (0, 2), shown
    assert "Traceback" not in out + err, shown
    for line in err.splitlines():
        assert for_terminal(line) == line, shown
    for line in out.splitlines():  # the tab separates the fields of `patients`, nothing else
        assert all(for_terminal(part) == part for part in line.split("\t")), shown
    if code == 2:
        assert len(err.splitlines()) == 1, shown
        assert _rows(c.db) == before_rows, shown
        assert _files(c.folder) == before_files, shown


@pytest.mark.figures
def test_the_command_line_answers_in_clean_lines_and_refuses_without_writing(
    clinic: Clinic,
    qapp: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REHAB_TRACKER_HOME", str(clinic.folder / "home"))  # the trail's key
    # A fuzzed relative --db or --out lands here, not in the checkout (a name of 150 x's once
    # left a database in the repository's root, and a merge committed it)
    (clinic.folder / "cwd").mkdir(exist_ok=True)
    monkeypatch.chdir(clinic.folder / "cwd")
    (clinic.folder / "empty.db").touch()
    with sqlite3.connect(clinic.folder / "foreign.db") as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS patients (id INTEGER)")
    conn.close()
    (clinic.folder / "out").mkdir(exist_ok=True)
    figures = Figures("PostgreSQL" if "://" in clinic.target else "SQLite file")

    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        _check_call(clinic, _argv(clinic, data.draw), figures)

    try:
        run()
    finally:
        print("\n" + figures.block())
    assert figures.codes[0] > 0 and figures.codes[2] > 0  # both outcomes reached


def test_a_name_printed_by_patients_is_one_escaped_line(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The forged line and the ESC sequence of the older version's names stay in their row."""
    monkeypatch.setenv("REHAB_TRACKER_HOME", str(clinic.folder / "home"))
    code, out, _err = _run(["patients", "--db", clinic.target])
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == len(clinic.record_numbers)
    assert not any(line.startswith("RT-99999") for line in lines)
    assert any("Eve\\x1b[2J" in line for line in lines)
    assert any("\\u202eevil" in line for line in lines)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        # argparse printed its usage and then the stray word as is: two lines, a raw ESC
        (["patients", "\x1b[2J\nforged"], "unrecognized arguments: \\x1b[2J\\nforged"),
        (["report", "--audience", "\u202eevil"], "invalid choice"),
        # a name that is not UTF-8 (the shell hands it over as lone surrogates): a traceback
        (["patients", "--db", "clinic-\udcff.db"], "not UTF-8 text"),
        (["patients", "--db", "a\x00b"], "a NUL character"),
        # the file system's refusal of a name: a traceback (OSError)
        (["patients", "--db", "y" * 300 + ".db"], "File name too long"),
    ],
)
def test_a_mistyped_argument_is_one_escaped_line_and_exit_2(
    argv: list[str], said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(argv)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and said in err, err
    assert for_terminal(err.rstrip("\n")) == err.rstrip("\n")
    assert list(tmp_path.iterdir()) == []
