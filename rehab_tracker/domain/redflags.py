"""The red-flag screen asked before every session.

A positive answer stops the session: the therapist refers the patient urgently. Cauda equina
syndrome after lumbar surgery is rare (about 0.1-0.2%) but an emergency; wound or spinal infection
is the other complication to catch early (see CLINICAL.md, "Red flags to ask at every visit").
The questions are our own plain wording.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

Outcome = Literal["clear", "positive", "incomplete"]


@dataclass(frozen=True)
class RedFlag:
    code: str
    label: str  # short name for lists and messages
    question: str  # asked of the patient, answered yes/no
    why: str  # what a yes may mean, for the therapist
    concern: Literal["cauda_equina", "infection"]


RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag(
        "both_legs",
        "pain or numbness in both legs",
        "Since your last visit, have you had pain, numbness or tingling in both legs?",
        "Symptoms in both legs can mean pressure on several nerve roots (cauda equina).",
        "cauda_equina",
    ),
    RedFlag(
        "saddle_numbness",
        "numbness in the saddle area",
        "Is any area that would touch a saddle (between the legs, around the back passage or "
        "genitals, inner thighs) numb or feeling different?",
        "Saddle numbness is a typical early sign of cauda equina syndrome.",
        "cauda_equina",
    ),
    RedFlag(
        "bladder_bowel",
        "new bladder or bowel changes",
        "Have you noticed any new change in passing water or opening your bowels, such as "
        "difficulty starting, not being able to go, or leaking?",
        "Retention or incontinence can mean the nerves to the bladder and bowel are compressed "
        "(cauda equina syndrome).",
        "cauda_equina",
    ),
    RedFlag(
        "progressive_weakness",
        "leg weakness getting worse",
        "Has either leg or foot been getting weaker, for example tripping, a foot slapping "
        "down, or trouble rising on your toes or heels?",
        "Weakness that is getting worse suggests increasing nerve compression, for example a "
        "recurrent disc herniation, or cauda equina syndrome.",
        "cauda_equina",
    ),
    RedFlag(
        "infection",
        "fever or wound redness or discharge",
        "Have you had a fever or chills, or is the wound red, hot, swollen, opening or leaking?",
        "Fever or wound changes can mean a wound or disc-space infection.",
        "infection",
    ),
)

RED_FLAGS_BY_CODE: Mapping[str, RedFlag] = MappingProxyType({f.code: f for f in RED_FLAGS})


@dataclass(frozen=True)
class ScreenResult:
    """``outcome`` "clear" (the session may start), "positive" (stop and refer) or "incomplete"
    (some question unanswered: the session cannot start yet). ``positives`` and ``unanswered``
    hold flag codes in the order of :data:`RED_FLAGS`."""

    outcome: Outcome
    positives: tuple[str, ...]
    message: str
    unanswered: tuple[str, ...] = ()

    @property
    def session_may_start(self) -> bool:
        return self.outcome == "clear"


def join_words(words: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c" (the screen's and the progression's sentences)."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def screen(answers: Mapping[str, bool | None]) -> ScreenResult:
    """Screen the patient's answers (flag code -> yes/no, None or absent = not answered).

    Any yes gives "positive" even when other questions are unanswered: stopping is the safe side.
    Raises ValueError for an unknown code or an answer that is not True, False or None.
    """
    for code, answer in answers.items():
        if code not in RED_FLAGS_BY_CODE:
            raise ValueError(
                f"unknown red-flag code {code!r}; known: {', '.join(RED_FLAGS_BY_CODE)}"
            )
        if answer is not None and not isinstance(answer, bool):
            raise ValueError(
                f"red flag {code!r}: answer must be yes, no or unanswered, got {answer!r}"
            )

    positives = [f for f in RED_FLAGS if answers.get(f.code) is True]
    unanswered = tuple(f.code for f in RED_FLAGS if answers.get(f.code) is None)
    if positives:
        concerns = []
        if any(f.concern == "cauda_equina" for f in positives):
            concerns.append("possible cauda equina syndrome or worsening nerve compression")
        if any(f.concern == "infection" for f in positives):
            concerns.append("possible infection")
        message = (
            f"Stop the session. Refer urgently, today, to the surgical team or the emergency "
            f"department: {join_words([f.label for f in positives])} "
            f"({' and '.join(concerns)}). Do not exercise until the patient has been assessed."
        )
        return ScreenResult("positive", tuple(f.code for f in positives), message, unanswered)
    if unanswered:
        labels = [RED_FLAGS_BY_CODE[code].label for code in unanswered]
        count = len(unanswered)
        message = (
            f"Answer every red-flag question before the session starts: {count} "
            f"{'question is' if count == 1 else 'questions are'} unanswered ({join_words(labels)})."
        )
        return ScreenResult("incomplete", (), message, unanswered)
    return ScreenResult("clear", (), "No red flags reported: the session can start.")
