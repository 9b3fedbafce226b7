"""Without a screen the desktop command says so in one line and exits 2 (Qt would abort)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rehab_tracker.app import display_problem


def start_without(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    environment.update(REHAB_TRACKER_HOME=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-m", "rehab_tracker"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="a screen is always there")
@pytest.mark.parametrize("display", [{}, {"DISPLAY": ":987"}])
def test_no_display_is_one_line_and_exit_2(display: dict[str, str], tmp_path: Path) -> None:
    result = start_without(tmp_path, **display)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("rehab-tracker: no graphical display: ")
    assert "the command-line subcommands still work" in lines[0]
    assert not (tmp_path / "data").exists(), "nothing is created when the app cannot start"


def test_command_line_works_without_a_display(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "rehab_tracker", "patients"],
        capture_output=True,
        text=True,
        env={
            **{k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")},
            "REHAB_TRACKER_HOME": str(tmp_path),
        },
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def listening_display(tmp_path: Path) -> Iterator[str]:
    """An abstract-namespace socket where a local X server with a free number would listen."""
    for number in range(900, 1000):
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            server.bind(f"\0/tmp/.X11-unix/X{number}")
        except OSError:
            server.close()
            continue
        server.listen(1)
        try:
            yield str(number)
        finally:
            server.close()
        return
    pytest.skip("no free display number")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="abstract sockets are Linux's")
def test_a_listening_local_display_is_accepted(listening_display: str) -> None:
    assert display_problem({"DISPLAY": f":{listening_display}"}, "linux") is None
    assert display_problem({"DISPLAY": f":{listening_display}.0"}, "linux") is None


def test_what_counts_as_a_display() -> None:
    assert display_problem({}, "linux") is not None
    assert display_problem({"DISPLAY": ""}, "linux") is not None
    assert display_problem({"DISPLAY": ":987"}, "linux") == (
        "no graphical display: nothing answers on DISPLAY=:987"
    )
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({"DISPLAY": "remotehost:0"}, "linux") is None  # Qt tries it
    assert display_problem({}, "win32") is None
    assert display_problem({}, "darwin") is None
