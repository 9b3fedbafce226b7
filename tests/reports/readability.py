"""A small readability measure for the patient version: the Flesch-Kincaid grade level.

grade = 0.39 * words per sentence + 11.8 * syllables per word - 15.59 (Kincaid et al. 1975).
Syllables are counted as groups of vowels, a silent final "e" left out, at least one a word;
numbers, dates and units count as one-syllable words (a reader says "42" as a number). A grade
of 7 is about a 12-year-old's reading (US grade 7: ages 12-13).
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|\d[\d.,:%]*")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)")


def syllables(word: str) -> int:
    if not word[0].isalpha():
        return 1
    parts = [p for p in re.split(r"-", word.lower()) if p]
    total = 0
    for part in parts:
        count = len(re.findall(r"[aeiouy]+", part))
        if part.endswith("e") and not part.endswith(("le", "ee")) and count > 1:
            count -= 1
        total += max(count, 1)
    return total


def grade(text: str) -> float:
    """The Flesch-Kincaid grade of ``text`` (sentences end at . ! ?)."""
    sentences = [s for s in _SENTENCE_END.split(text) if _WORD.search(s)]
    words = _WORD.findall(text)
    if not words or not sentences:
        return 0.0
    per_sentence = len(words) / len(sentences)
    per_word = sum(syllables(w) for w in words) / len(words)
    return 0.39 * per_sentence + 11.8 * per_word - 15.59
