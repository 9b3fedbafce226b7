"""What a typed value may hold: text that fits its column and carries no hidden characters, and
dates a clinic can mean.

Every service checks its inputs with these before it writes, and every form shows the message at
the field (the field names are the form's), so a value the database cannot hold never reaches it
(on PostgreSQL a 300-character name or a NUL character would otherwise fail inside the write).

Text
    The lengths are the columns' (``data/models.py``; tests/domain/test_bounds.py checks they
    agree). A one-line field (a ``String(n)`` column: a name, a phone number, a title) holds no
    control character at all; a multi-line field (a ``Text`` column: notes, an address, a
    description) may also hold line breaks (``\\n``). Refused everywhere: the C0 and C1 controls
    (NUL, ESC, a tab...), the line and paragraph separators (U+2028, U+2029), lone surrogates
    (not text: no database can store them) and the bidirectional embedding, override and
    isolate controls (U+202A-U+202E, U+2066-U+2069), which make text show in another order
    than it is stored. Other format characters are kept: the zero-width non-joiner and joiner
    are part of how Persian, Indic and emoji text is written (printing one on a terminal is
    made safe by :mod:`rehab_tracker.domain.escaping`). Free text has a clinic default
    ceiling of :data:`LONG_TEXT` characters (about four printed pages).

Dates (clinic defaults)
    Nothing before :data:`EARLIEST` (1 January 1900: a date typed as "0" or a two-digit year
    gone wrong), nothing that happened before the patient was born, nothing planned more than
    :data:`YEARS_AHEAD` years after today (a program's start, a restriction's end, a follow-up).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Final

from rehab_tracker.domain.errors import Collector

# --- text lengths: the columns' (data/models.py) ---------------------------------------------

#: a given or family name (patients.given_name, family_name)
NAME: Final = 100
#: a clinic record number (patients.record_number)
RECORD_NUMBER: Final = 32
#: a phone number (patients.phone)
PHONE: Final = 40
#: an e-mail address (patients.email)
EMAIL: Final = 200
#: a one-line label: a procedure, a surgeon, a hospital, a program or phase name, who cleared
#: exercise to resume, a template or exercise name
LABEL: Final = 200
#: who did something, as a name (restrictions.set_by, an actor)
WHO: Final = 100
#: a code or slug (exercises.code, program_templates.code)
CODE: Final = 64
#: an assessment time point or an assessment label (outcome_assessments.timepoint)
TIMEPOINT: Final = 32
#: a follow-up's label (scheduled_assessments.label)
SCHEDULE_LABEL: Final = 100
#: a web address (education_items.url)
URL: Final = 500
#: free text (a ``Text`` column): clinic default
LONG_TEXT: Final = 10_000

#: the bidirectional embedding, override and isolate controls
BIDI_CONTROLS: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_REFUSED_CATEGORIES: Final = frozenset({"Cc", "Cs", "Zl", "Zp"})

# --- dates -----------------------------------------------------------------------------------

EARLIEST: Final = dt.date(1900, 1, 1)
YEARS_AHEAD: Final = 5


def _hidden(char: str, multiline: bool) -> str | None:
    """What is wrong with ``char`` in a typed text, or None."""
    if char == "\n" and multiline:
        return None
    if char in BIDI_CONTROLS:
        return "a text-direction control character"
    if unicodedata.category(char) in _REFUSED_CATEGORIES:
        return "a line break" if char in "\n\r\u2028\u2029" else "a control character"
    return None


def text_problem(value: str, *, limit: int, multiline: bool = False) -> str | None:
    """Why ``value`` cannot be stored as typed (None: it can): longer than ``limit`` once
    trimmed, or a character refused in a one-line (``multiline`` False) or multi-line field."""
    length = len(value.strip())
    if length > limit:
        return f"At most {limit:,} characters (this has {length:,})."
    if value.isprintable() or (multiline and value.replace("\n", "").isprintable()):
        return None  # the common case: nothing unusual at all
    for char in value:
        what = _hidden(char, multiline)
        if what is not None:
            return f"Remove {what} (U+{ord(char):04X}): it cannot be stored in this field."
    return None


def check_text(
    errors: Collector, field: str, value: str | None, *, limit: int, multiline: bool = False
) -> None:
    """Add :func:`text_problem` of ``value`` (None: not given, nothing to check) at ``field``."""
    if value is None:
        return
    if not isinstance(value, str):
        errors.add(field, "Enter text.")
        return
    problem = text_problem(value, limit=limit, multiline=multiline)
    if problem is not None:
        errors.add(field, problem)


def check_notes(errors: Collector, field: str, value: str | None) -> None:
    """A multi-line free-text field (notes, a description): :func:`check_text` at
    :data:`LONG_TEXT`."""
    check_text(errors, field, value, limit=LONG_TEXT, multiline=True)


def check_name(errors: Collector, field: str, value: str, *, limit: int = NAME) -> None:
    """A person's name: one line within ``limit``, with at least one letter (a name of digits
    or punctuation only is a slip, never a name). An empty name is the caller's to refuse."""
    check_text(errors, field, value, limit=limit)
    if value.strip() and not any(char.isalpha() for char in value):
        errors.add(field, "A name must contain a letter.")


# --- dates -----------------------------------------------------------------------------------


def latest_planned(today: dt.date) -> dt.date:
    """The last day a planned date (a start, an end, a due date) may be: :data:`YEARS_AHEAD`
    years after ``today`` (28 February for a 29 February)."""
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def check_past_date(
    errors: Collector,
    field: str,
    value: dt.date | None,
    *,
    date_of_birth: dt.date | None,
    what: str = "The date",
) -> None:
    """A date of something that happened to the patient: not before :data:`EARLIEST` nor
    before their birth (the future is the caller's rule: today, or a planned bound)."""
    if value is None:
        return
    if value < EARLIEST:
        errors.add(field, f"{what} cannot be before {EARLIEST.isoformat()}.")
    elif date_of_birth is not None and value < date_of_birth:
        errors.add(
            field, f"{what} cannot be before the date of birth ({date_of_birth.isoformat()})."
        )


def check_planned_date(
    errors: Collector,
    field: str,
    value: dt.date | None,
    *,
    today: dt.date,
    date_of_birth: dt.date | None = None,
    what: str = "The date",
) -> None:
    """A planned date: :func:`check_past_date`'s lower bounds, and not later than
    :func:`latest_planned`."""
    if value is None:
        return
    check_past_date(errors, field, value, date_of_birth=date_of_birth, what=what)
    latest = latest_planned(today)
    if value > latest:
        errors.add(
            field, f"{what} cannot be after {latest.isoformat()} ({YEARS_AHEAD} years ahead)."
        )
