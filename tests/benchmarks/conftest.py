"""Benchmarks print their figures; the root conftest carries them back from the parallel
workers and shows them in one section at the end of the run (CI included, without ``-s``).

The benchmarks run one after another on one worker (``xdist_group``), so two of them never
measure at the same time; the other worker goes on with the rest of the tests, and each
benchmark compares against a floor measured in the same conditions in the same run."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("benchmark") is not None:
            item.add_marker(pytest.mark.xdist_group("benchmarks"))
