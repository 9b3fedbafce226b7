"""Benchmarks print their figures straight to the terminal (not captured), so every run,
CI included, shows the measured ratios."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _print_figures(capsys: pytest.CaptureFixture[str]) -> Iterator[None]:
    with capsys.disabled():
        yield
