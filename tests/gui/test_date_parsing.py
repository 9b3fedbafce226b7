"""How the date field reads a typed date (``parse_date``) in ISO and the locales' short formats."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QDate, QLocale

from rehab_tracker.ui.widgets.date_field import (
    MAXIMUM,
    MINIMUM,
    DateTextError,
    field_order,
    parse_date,
)

#: locales whose short format is numeric, in each order of day, month and year
LOCALES = ("en_GB", "en_US", "de_DE", "fr_FR", "nl_NL", "ja_JP", "sv_SE", "hu_HU", "ko_KR",
           "zh_CN", "bg_BG", "C")


@pytest.mark.parametrize(
    ("fmt", "order"),
    [("dd/MM/yyyy", "dMy"), ("M/d/yy", "Mdy"), ("yyyy. MM. dd.", "yMd"), ("d MM yyyy", "dMy"),
     ("d.MM.yy\u202f'г'.", "dMy"), ("d MMM yyyy", None), ("dddd d/M/yy", None), ("MM/yy", None)],
)
def test_field_order_of_a_format(fmt: str, order: str | None) -> None:
    assert field_order(fmt) == order


@pytest.mark.parametrize("text", ["1978-04-12", "1978-4-12", "1978/04/12", "19780412",
                                  " 1978-04-12 ", "1978. 04. 12."])
@pytest.mark.parametrize("order", ["dMy", "Mdy", "yMd", None])
def test_year_first_is_iso_in_every_locale(text: str, order: str | None) -> None:
    assert parse_date(text, order) == dt.date(1978, 4, 12)


@pytest.mark.parametrize(
    ("text", "order", "value"),
    [("12/04/1978", "dMy", dt.date(1978, 4, 12)), ("4/12/1978", "Mdy", dt.date(1978, 4, 12)),
     ("12.4.1978", "dMy", dt.date(1978, 4, 12)), ("27 10 2026", "dMy", dt.date(2026, 10, 27)),
     ("", "dMy", None), ("   ", None, None)],
)
def test_the_locale_order(text: str, order: str | None, value: dt.date | None) -> None:
    assert parse_date(text, order) == value


@pytest.mark.parametrize(
    ("text", "order", "words"),
    [("2026-02-30", "dMy", "no 30 February 2026: the month has 28 days"),
     ("2028-02-30", "dMy", "the month has 29 days"),
     ("2026-13-01", "dMy", "no month 13"),
     ("tomorrow", "dMy", "Not a date"), ("12 Apr 1978", "dMy", "Not a date"),
     ("2026-10", "dMy", "not complete"), ("2026", "dMy", "not complete"),
     ("12/04/78", "dMy", "four digits"), ("78-04-12", "yMd", "four digits"),
     ("1/2/3/2026", "dMy", "Not a date"), ("12/04/1978", None, "Not a date"),
     ("123/04/1978", "dMy", "Not a date")],
)
def test_text_that_is_not_a_date(text: str, order: str | None, words: str) -> None:
    with pytest.raises(DateTextError) as caught:
        parse_date(text, order)
    assert words in caught.value.message


@given(day=st.dates(MINIMUM, MAXIMUM), name=st.sampled_from(LOCALES))
def test_a_date_written_in_the_locale_short_format_reads_back(day: dt.date, name: str) -> None:
    """Whatever the locale, its short format with a four-digit year reads back as the date."""
    locale = QLocale(name)
    short = locale.dateFormat(QLocale.FormatType.ShortFormat)
    text = locale.toString(QDate(day.year, day.month, day.day), re.sub(r"y+", "yyyy", short))
    text = re.sub(r"[^\d\s./-]", "", text.replace("\u202f", " "))  # Bulgarian's "г."
    assert parse_date(text, field_order(short)) == day
