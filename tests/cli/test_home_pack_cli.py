"""`rehab-tracker home-pack` at the clinic and `rehab-tracker home import-pack` at home (issue 14):
the passphrase printed when made, the pack applied, and each refusal one line with exit code 2."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.cli.test_cli import run
from tests.services.home_pack_support import PATIENT


@pytest.mark.slow
def test_home_pack_then_import_pack_and_refusals(
    demo_db_path: Path, tmp_path: Path, isolated_home: Path
) -> None:
    pack = tmp_path / "out" / "home.rthp"
    made = run(
        "home-pack", PATIENT, "--db", str(demo_db_path), "--out", str(pack), home=isolated_home
    )
    assert made.returncode == 0, made.stderr
    lines = made.stdout.splitlines()
    assert lines[0].startswith("wrote home pack version 1 (") and lines[0].endswith(str(pack))
    (said,) = [line for line in lines if line.startswith("passphrase (66 bits")]
    words = said.rsplit(": ", 1)[1]
    assert len(words.split()) == 6 and pack.stat().st_mode & 0o077 == 0

    laptop, home_db = tmp_path / "laptop", tmp_path / "laptop" / "home.db"
    laptop.mkdir()

    def import_pack(file: str, *options: str) -> subprocess.CompletedProcess[str]:
        return run("home", "import-pack", file, "--db", str(home_db), *options, home=laptop)

    wrong = import_pack(str(pack), "--passphrase", "not the words at all")
    assert wrong.returncode == 2 and wrong.stdout == ""
    assert wrong.stderr.count("\n") == 1 and "(wrong passphrase)" in wrong.stderr
    assert not home_db.exists()  # a refused first pack leaves no home database behind

    applied = import_pack(str(pack), "--passphrase", words.upper())
    assert applied.returncode == 0, applied.stderr
    assert applied.stdout.startswith("applied home pack version 1 for ")
    assert "pinned the clinic's key" in applied.stdout
    stored = b"".join(p.read_bytes() for p in laptop.glob("home.db*"))
    assert not stored.startswith(b"SQLite format 3\0")  # encrypted at rest (SQLCipher)
    assert b"Castellano" not in stored and b"prescriptions" not in stored
    other_words = import_pack(
        str(pack), "--passphrase", words, "--db-passphrase", "not the first words"
    )
    assert other_words.returncode == 2 and "home database" in other_words.stderr

    for data, reason in (
        (pack.read_bytes(), "(replay)"),
        (pack.read_bytes()[:-10], "(truncated)"),
        (pack.read_bytes().replace(b"home-pack/1\n", b"home-pack/7\n", 1), "(unknown version)"),
        (pack.read_bytes()[:200] + b"X" + pack.read_bytes()[201:], "(tampered)"),
    ):
        attempt = tmp_path / "attempt.rthp"
        attempt.write_bytes(data)
        refused = import_pack(str(attempt), "--passphrase", words)
        assert refused.returncode == 2, (reason, refused.stdout)
        assert refused.stderr.count("\n") == 1 and reason in refused.stderr, refused.stderr
        assert refused.stderr.startswith("rehab-tracker home import-pack: refused: ")

    unknown = run(
        "home-pack", "RT-99999", "--db", str(demo_db_path), "--out", str(pack), home=isolated_home
    )
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1
    assert "RT-99999" in unknown.stderr
    short = run(
        "home-pack",
        PATIENT,
        "--db",
        str(demo_db_path),
        "--out",
        str(pack),
        "--passphrase",
        "abc",
        home=isolated_home,
    )
    assert short.returncode == 2 and "at least 16 characters" in short.stderr
