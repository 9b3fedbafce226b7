"""Benchmarks print their figures straight to the terminal (not captured), so every run,
CI included, shows the measured ratios without ``-s``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


# trylast: the innermost wrapper, so it runs after the capture plugin has resumed capturing
@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    capture = item.config.pluginmanager.getplugin("capturemanager")
    if capture is None:
        return (yield)
    capture.suspend_global_capture(in_=False)
    try:
        return (yield)
    finally:
        capture.resume_global_capture()
