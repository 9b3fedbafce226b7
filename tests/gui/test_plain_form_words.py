"""The forms speak a clinician's words: no developer wording such as "Neutral section names.",
"Missing-section rule", a bare "None" or a snake_case code on any dialog of the layout tests
(the walkthrough of issue 11)."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel

from tests.gui.test_first_focus import open_dialog
from tests.gui.test_layout import DIALOGS
from tests.gui.test_plain_words import CODES

DEVELOPER = re.compile(r"Neutral section names|Missing-section rule|\bNone\b")


@pytest.mark.parametrize("name", DIALOGS)
def test_no_developer_wording_on_a_form(window, qtbot, name) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, qtbot, name)
    texts = [w.text() for w in dialog.findChildren(QLabel) if w.isVisibleTo(dialog)]
    texts += [w.text() for w in dialog.findChildren(QAbstractButton) if w.isVisibleTo(dialog)]
    for text in texts:
        plain = re.sub(r"<[^>]+>", " ", text)  # rich text: the words, not the tags
        assert not DEVELOPER.search(plain), (name, plain)
        assert not CODES.search(plain), (name, plain)
    dialog.done(0)


def test_the_odi_form_says_why_it_shows_topics_only(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, qtbot, "odi")
    texts = " ".join(w.text() for w in dialog.findChildren(QLabel) if w.isVisibleTo(dialog))
    assert "licensed" in texts and "Settings" in texts
    assert "unanswered" in texts
    dialog.done(0)
