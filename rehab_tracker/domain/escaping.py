"""Text typed into a record, made safe to print on a terminal or in a line of JSON.

A name or a record number can hold characters a terminal acts on instead of showing: ESC starts a
control sequence (colours, cursor moves, a changed window title), a newline or a tab forges a
line or a field of the CLI's one-patient-a-line output, a bidi override reorders what follows.
:func:`for_terminal` shows each such character as a visible escape (``\\x1b``, ``\\n``,
``\\u202e``); every other character, accented letters and non-Latin scripts included, is kept.
:func:`for_json_line` does the same inside JSON text, with JSON's own ``\\uXXXX`` escapes (the
line still parses to the same values).

"Such characters" are Unicode's categories C* (controls, format characters such as the bidi
overrides and zero-width marks, surrogates, private use, unassigned) and the line and paragraph
separators (Zl, Zp).
"""

from __future__ import annotations

import unicodedata

_SHOWN_AS = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _unsafe(char: str) -> bool:
    # str.isprintable() is False for categories C*, Zl, Zp and Zs; spaces (Zs) are kept
    return not char.isprintable() and unicodedata.category(char) != "Zs"


def _escape(char: str) -> str:
    code = ord(char)
    if char in _SHOWN_AS:
        return _SHOWN_AS[char]
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _json_escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # a UTF-16 surrogate pair, as JSON spells characters beyond the BMP
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def for_terminal(text: str) -> str:
    """``text`` with every control, format or separator character shown as an escape."""
    if text.isprintable():
        return text
    return "".join(_escape(c) if _unsafe(c) else c for c in text)


def for_json_line(json_text: str) -> str:
    """JSON text (``json.dumps(..., ensure_ascii=False)``) with those characters escaped."""
    if json_text.isprintable():
        return json_text
    return "".join(_json_escape(c) if _unsafe(c) else c for c in json_text)
