"""A window size saved on one screen (or at one scaling) opens as the same share of the screen
on another: saved at 100% on a large screen it opened small at 200%, and the other way round
(the walkthrough of issue 11). A new window takes most of the screen, not a fixed size."""

from __future__ import annotations

from rehab_tracker.ui.shell import settings as gui_settings
from rehab_tracker.ui.shell.main_window import (
    DEFAULT_SHARE,
    MIN_RESTORED_SHARE,
    restored_size,
)
from tests.gui.conftest import open_window


def test_the_same_screen_keeps_the_size() -> None:
    assert restored_size((1300, 800), (1600, 1000), (1600, 1000)) == (1300, 800)


def test_a_scaling_change_keeps_the_share_of_the_screen() -> None:
    # saved at 200% on 3200x2000 (1600x1000 logical), opened at 100% (3200x2000 logical)
    assert restored_size((1500, 950), (1600, 1000), (3200, 2000)) == (3000, 1900)
    # and back: never larger than the screen
    assert restored_size((3000, 1900), (3200, 2000), (1600, 1000)) == (1500, 950)


def test_a_small_saved_window_opens_at_least_half_the_screen() -> None:
    assert restored_size((400, 300), (1600, 1000), (1600, 1000)) == (800, 500)
    assert restored_size((400, 300), None, (3200, 2000)) == (
        round(3200 * MIN_RESTORED_SHARE),
        round(2000 * MIN_RESTORED_SHARE),
    )


def test_a_window_saved_on_a_larger_screen_opens_as_its_share(
    qtbot, db, patient_ids, today, answers
) -> None:  # type: ignore[no-untyped-def]
    first = open_window(qtbot, db, today)
    available = first.screen().availableGeometry().size()
    assert abs(first.width() - available.width() * DEFAULT_SHARE) <= 2 or first.width() <= (
        available.width()
    )
    first.resize(round(available.width() * 0.8), round(available.height() * 0.8))
    first.close()  # saves the geometry and the screen it was on
    saved = gui_settings.load()
    assert saved.window_screen == f"{available.width()}x{available.height()}"
    # the same size saved on a screen twice as large (a 100% session on a big monitor)
    saved.window_screen = f"{available.width() * 2}x{available.height() * 2}"
    gui_settings.save(saved)
    second = open_window(qtbot, db, today)
    assert second.width() >= available.width() * MIN_RESTORED_SHARE - 1
    assert second.height() >= available.height() * MIN_RESTORED_SHARE - 1
    assert second.width() <= available.width() and second.height() <= available.height()
