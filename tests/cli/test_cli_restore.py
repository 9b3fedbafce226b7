"""`rehab-tracker db backups` and `db restore`, and a full disk during `db backup`, as a user
runs them (real processes, real files; issue 10 items 8 and 9)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.cli.test_cli import digest, run
from tests.data.helpers import tmpfs
from tests.data.test_backup import _numbers


@pytest.mark.parametrize("action", ["backups", "restore"])
def test_the_new_commands_have_help(action: str, tmp_path: Path) -> None:
    result = run("db", action, "--help", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: rehab-tracker")


def test_backup_list_then_restore(tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    assert run("demo", "--db", str(path), home=tmp_path).returncode == 0
    before = _numbers(path)
    made = run("db", "backup", "--db", str(path), home=tmp_path)
    assert made.returncode == 0, made.stderr
    assert run("demo", "--force", "--seed", "9", "--db", str(path), home=tmp_path).returncode == 0
    assert len(_numbers(path)) > len(before)

    listed = run("db", "backups", "--db", str(path), home=tmp_path)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert len(lines) == 1 and f"{len(before)} patients" in lines[0] and " MB" in lines[0]
    name = lines[0].split("\t")[-1]

    restored = run("db", "restore", name, "--db", str(path), home=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert _numbers(path) == before
    out = restored.stdout
    assert f"restored {path} from " in out and "audit trail" in out
    kept = Path(out.split("the replaced file was kept as ")[1].splitlines()[0])
    assert kept.parent == tmp_path and len(_numbers(kept)) > len(before)
    check = run("db", "check", "--db", str(path), home=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_bad_backup_is_one_line_exit_2_and_nothing_changes(tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    assert run("demo", "--db", str(path), home=tmp_path).returncode == 0
    bad = tmp_path / "empty.db"
    bad.write_bytes(b"")
    before = digest(path)
    result = run("db", "restore", str(bad), "--db", str(path), home=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "cannot be restored" in result.stderr and "nothing was changed" in result.stderr
    assert digest(path) == before
    # (the settings folder holds the audit key `demo` sealed its trail with)
    assert sorted(set(os.listdir(tmp_path)) - {"config"}) == ["clinic.db", "empty.db"]


def test_restore_refuses_postgresql(tmp_path: Path) -> None:
    result = run("db", "restore", "x.db", "--db", "postgresql+psycopg://u@127.0.0.1:1/x",
                 home=tmp_path)
    assert result.returncode == 2 and "pg_restore" in result.stderr
    assert result.stderr.count("\n") == 1


def test_db_backup_on_a_full_disk_is_one_line_and_leaves_no_file(tmp_path: Path) -> None:
    source = tmp_path / "clinic.db"
    assert run("demo", "--db", str(source), home=tmp_path).returncode == 0
    with tmpfs(tmp_path / "small", source.stat().st_size + 2 * 1024 * 1024) as mount:
        path = Path(shutil.copy(source, mount / "clinic.db"))
        filler = mount / "filler"
        free = shutil.disk_usage(mount).free
        filler.write_bytes(b"\0" * (free - source.stat().st_size // 2))
        result = run("db", "backup", "--db", str(path), home=tmp_path)
        assert result.returncode == 2, result.stdout
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert "not enough free space" in result.stderr
        assert not (mount / "backups").exists() or os.listdir(mount / "backups") == []
