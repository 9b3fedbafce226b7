"""What a staff password must be (pure): long enough, and not one of the most common passwords.

Minimum length 12: OWASP ASVS 5.0 (V6.2.1) asks for at least 8 and strongly recommends 15, NIST
SP 800-63B-4 asks for 15 where a password is the only factor; 12 is the clinic default between
them for a password typed many times a day at a shared desk, made up for by the check against
common passwords, the growing delay after failed attempts (``services.users``) and the lock. No
composition rules (both sources advise against them); any character counts, spaces included.

The common passwords are not a copied list: they are built here from well-known patterns of
weak passwords, which are facts rather than anyone's work: a short set of the words people
choose most (password, qwerty, welcome, letmein, football, the names of the app and of the
clinic's trade, ...), keyboard walks, runs of one character, counting sequences, each with the
usual disguises undone (capitals, digit and symbol suffixes and prefixes, "leet" letters such
as 0 for o, repetition: "Passw0rd2026!", "qwertyqwerty", "111111111111").
"""

from __future__ import annotations

import re
import unicodedata

MIN_LENGTH = 12
MAX_LENGTH = 1024

#: the words weak passwords are made of (lower case, letters only)
COMMON_WORDS = frozenset(
    [
        "password",
        "passwort",
        "passe",
        "contrasena",
        "senha",
        "wachtwoord",
        "parola",
        "salasana",
        "haslo",
        "qwerty",
        "qwertz",
        "azerty",
        "asdf",
        "zxcv",
        "qazwsx",
        "letmein",
        "welcome",
        "hello",
        "login",
        "admin",
        "administrator",
        "root",
        "user",
        "guest",
        "test",
        "secret",
        "default",
        "changeme",
        "change",
        "iloveyou",
        "love",
        "lovely",
        "monkey",
        "dragon",
        "master",
        "shadow",
        "sunshine",
        "princess",
        "football",
        "baseball",
        "soccer",
        "hockey",
        "basketball",
        "superman",
        "batman",
        "starwars",
        "pokemon",
        "freedom",
        "whatever",
        "trustno",
        "nothing",
        "access",
        "mustang",
        "michael",
        "jordan",
        "charlie",
        "hunter",
        "ranger",
        "computer",
        "internet",
        "summer",
        "winter",
        "spring",
        "autumn",
        "january",
        "december",
        "monday",
        "friday",
        "abc",
        "abcd",
        "abcdef",
        "abcdefg",
        "abcdefgh",
        "abcdefghi",
        "abcdefghijkl",
        "rehab",
        "rehabtracker",
        "tracker",
        "physio",
        "physiotherapy",
        "physiotherapist",
        "therapist",
        "therapy",
        "clinic",
        "clinical",
        "patient",
        "patients",
        "doctor",
        "nurse",
        "assistant",
        "reception",
        "hospital",
        "health",
        "spine",
        "back",
        "lumbar",
        "discectomy",
        "surgery",
        "exercise",
    ]
)

_KEYBOARD_ROWS = (
    "1234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "qwertzuiop",
    "azertyuiop",
    "1qaz2wsx3edc4rfv5tgb",
    "qazwsxedcrfvtgbyhnujmikolp",
    "abcdefghijklmnopqrstuvwxyz",
    "0987654321",
)

_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "l",
        "+": "t",
    }
)


def _is_walk(text: str) -> bool:
    """A keyboard walk or counting run (forwards or backwards, wrapping), repeated or not."""
    if len(text) < 4:
        return False
    for row in _KEYBOARD_ROWS:
        for line in (row, row[::-1]):
            ring = line * (len(text) // len(line) + 2)
            if text in ring:
                return True
    return False


def _repeats_of(text: str, unit_ok: set[str] | frozenset[str] | None = None) -> bool:
    """Whether ``text`` is one short piece said over and over ("abab...", "1111")."""
    for size in range(1, len(text) // 2 + 1):
        unit = text[:size]
        if len(text) % size == 0 and unit * (len(text) // size) == text:
            return unit_ok is None or unit in unit_ok or size <= 3
    return False


def is_common(password: str) -> bool:
    """Whether ``password`` is one of the common ones (see the module docstring)."""
    text = unicodedata.normalize("NFKC", password).casefold().strip()
    compact = re.sub(r"\s+", "", text)
    if not compact or _repeats_of(compact) or _is_walk(compact):
        return True
    # the digits and symbols people add before and after a word, then the leet letters inside
    middle = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", compact)
    core = re.sub(r"[^a-z]", "", middle.translate(_LEET))
    # what is left after the digits and symbols people add around a word
    if len(core) <= 3:  # digits and symbols: a date, a count, a PIN pattern
        digits = re.sub(r"\D", "", compact)
        return len(set(digits)) <= 3 or _is_walk(digits) or _repeats_of(digits)
    if core in COMMON_WORDS or _is_walk(core) or _repeats_of(core, COMMON_WORDS):
        return True
    # two common words run together ("welcomepassword", "adminadmin", "ilovefootball")
    return any(
        core[:i] in COMMON_WORDS and (core[i:] in COMMON_WORDS or core[i:] in ("i", "love"))
        for i in range(3, len(core) - 1)
    ) or any(core.startswith(w) and core[len(w) :] in COMMON_WORDS for w in ("ilove", "my"))


def problem(password: str, *, username: str = "", display_name: str = "") -> str | None:
    """Why ``password`` cannot be used (a message for the field), or None when it can."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters (a few words make a good password)."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    folded = password.casefold()
    for name in (username, *display_name.split()):
        name = name.casefold().strip()
        if len(name) >= 3 and name in folded and len(folded) - len(name) < MIN_LENGTH:
            return "Do not build the password from your name or user name."
    if is_common(password):
        return "This is one of the most common passwords; choose one that is harder to guess."
    return None
