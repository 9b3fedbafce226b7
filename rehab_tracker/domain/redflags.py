"""The red-flag screen asked before every session, and what follows a positive one.

Every question says what it screens for (``purpose``), what a yes means the therapist does
(``action``) and where the rule comes from (``source``: the clinical reference, CLINICAL.md
"What a session records", or "clinic default" where the reference names the sign but not the
action). The questions are our own plain wording.

Two actions (most severe first):

- **emergency**: stop the session and call emergency services now. Possible cauda equina syndrome
  (rare after surgery, about 0.1-0.2%, but an emergency) and deep vein thrombosis or pulmonary
  embolism.
- **urgent**: same-day review by the surgeon or GP; *not* an emergency call. Possible recurrent
  disc herniation (about 5-15%, mostly in the first 3-6 months), worsening nerve compression,
  and wound or disc-space infection. Today's exercise does not go ahead either: the screen cannot
  tell how serious the change is, and loading the back before someone has assessed it is the
  unsafe side (a clinic default). Progression holds until a clearance is recorded.

Symptoms in both legs are asked as *new*: a patient with long-standing symptoms in both legs
answered yes at every visit to the earlier question. Screens stored with the earlier question
set stay readable: their codes are in :data:`RETIRED_FLAGS` and are labelled as such.

After a positive screen the clinician records the outcome (advice given, referred to whom) and,
later, the clearance: who cleared exercise to resume, and when (:func:`check_outcome`,
:func:`check_clearance`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from rehab_tracker.domain import bounds
from rehab_tracker.domain.errors import Collector

Outcome = Literal["clear", "positive", "incomplete"]
Action = Literal["emergency", "urgent"]

#: what the therapist does for each action, most severe first
ACTIONS: Mapping[str, str] = MappingProxyType(
    {
        "emergency": "emergency: stop the session and call emergency services",
        "urgent": "urgent: same-day review by the surgeon or GP (not an emergency call)",
    }
)
_SEVERITY: Mapping[str, int] = MappingProxyType({"emergency": 2, "urgent": 1})

_REF = "CLINICAL.md, red flags to ask at every visit"


@dataclass(frozen=True)
class RedFlag:
    code: str
    label: str  # short name for lists and messages
    question: str  # asked of the patient, answered yes/no
    purpose: str  # what the question screens for
    why: str  # what a yes may mean, for the therapist
    action: Action  # what a yes means the therapist does
    source: str  # where the question and its action come from
    retired: bool = False  # asked by an earlier question set; kept to read old screens


RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag(
        "new_both_legs",
        "new pain, numbness or weakness in both legs",
        "Since your last visit, have you had NEW pain, numbness, tingling or weakness in both "
        "legs, that you did not have before? (Symptoms in both legs that you have had for a "
        "long time and that have not changed count as no.)",
        "cauda equina syndrome",
        "New symptoms in both legs can mean pressure on several nerve roots (cauda equina).",
        "emergency",
        f"{_REF}: cauda equina after surgery is rare (about 0.1-0.2%) but an emergency; ask "
        "about symptoms in both legs as new.",
    ),
    RedFlag(
        "saddle_numbness",
        "numbness in the saddle area",
        "Is any area that would touch a saddle (between the legs, around the back passage or "
        "genitals, inner thighs) numb or feeling different?",
        "cauda equina syndrome",
        "Saddle numbness is a typical early sign of cauda equina syndrome.",
        "emergency",
        f"{_REF}: cauda equina after surgery is rare (about 0.1-0.2%) but an emergency.",
    ),
    RedFlag(
        "bladder_bowel",
        "new bladder or bowel changes",
        "Have you noticed any new change in passing water or opening your bowels, such as "
        "difficulty starting, not being able to go, or leaking?",
        "cauda equina syndrome",
        "Retention or incontinence can mean the nerves to the bladder and bowel are compressed "
        "(cauda equina syndrome).",
        "emergency",
        f"{_REF}: cauda equina after surgery is rare (about 0.1-0.2%) but an emergency.",
    ),
    RedFlag(
        "calf",
        "calf pain or swelling",
        "Do you have new pain, tenderness, warmth or swelling in a calf?",
        "deep vein thrombosis",
        "A painful or swollen calf after surgery can be a deep vein thrombosis (DVT).",
        "emergency",
        f"{_REF}: calf pain or swelling (DVT/PE) is an emergency.",
    ),
    RedFlag(
        "chest_breathless",
        "chest pain or breathlessness",
        "Have you had chest pain, or become short of breath more easily than usual?",
        "pulmonary embolism",
        "Chest pain or breathlessness after surgery can be a pulmonary embolism (PE).",
        "emergency",
        f"{_REF}: chest pain or breathlessness (DVT/PE) is an emergency.",
    ),
    RedFlag(
        "one_sided_leg",
        "new or returning pain or weakness in one leg",
        "Since your last visit, has pain, numbness or weakness in one leg come back or started "
        "(for example leg pain like the pain you had before the operation)?",
        "recurrent disc herniation",
        "Leg symptoms on one side that return after the operation can mean the disc has "
        "herniated again.",
        "urgent",
        f"{_REF}: recurrent herniation (about 5-15%, mostly in the first 3-6 months) needs "
        "urgent review. Stopping today's exercise as well is a clinic default.",
    ),
    RedFlag(
        "progressive_weakness",
        "leg weakness getting worse",
        "Has either leg or foot been getting weaker, for example tripping, a foot slapping "
        "down, or trouble rising on your toes or heels?",
        "worsening nerve compression",
        "Weakness that is getting worse suggests increasing nerve compression, for example a "
        "recurrent disc herniation (weakness in both legs: see the cauda equina questions).",
        "urgent",
        f"{_REF}: progressive leg weakness: refer urgently. Same-day review rather than an "
        "emergency call is a clinic default (the cauda equina questions ask for both legs).",
    ),
    RedFlag(
        "infection",
        "fever or wound redness or discharge",
        "Have you had a fever or chills, or is the wound red, hot, swollen, opening or leaking?",
        "wound or disc-space infection",
        "Fever or wound changes can mean a wound or disc-space infection.",
        "urgent",
        f"{_REF}: fever or wound redness/discharge (infection): refer urgently.",
    ),
    RedFlag(
        "rest_night_pain",
        "severe pain at rest or at night",
        "Have you had severe back pain at rest or at night that does not ease when you change "
        "position?",
        "wound or disc-space infection",
        "Severe pain at rest or at night after surgery can be a disc-space infection.",
        "urgent",
        f"{_REF}: severe pain at rest or at night (infection). The same-day review is a clinic "
        "default: the reference names the sign, not the action.",
    ),
)

#: questions of earlier question sets: never asked again, kept so stored screens still read
RETIRED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag(
        "both_legs",
        "pain or numbness in both legs (earlier question, not asked as new)",
        "Since your last visit, have you had pain, numbness or tingling in both legs?",
        "cauda equina syndrome",
        "Asked without 'new', so long-standing symptoms in both legs answered yes too; replaced "
        "by the question about new symptoms in both legs.",
        "emergency",
        f"{_REF}: cauda equina after surgery is rare (about 0.1-0.2%) but an emergency.",
        retired=True,
    ),
)

RED_FLAGS_BY_CODE: Mapping[str, RedFlag] = MappingProxyType({f.code: f for f in RED_FLAGS})
#: every code a stored screen may hold: the current questions and the retired ones
KNOWN_FLAGS_BY_CODE: Mapping[str, RedFlag] = MappingProxyType(
    {f.code: f for f in (*RED_FLAGS, *RETIRED_FLAGS)}
)


def label_of(code: str) -> str:
    """The plain label of a stored answer's code: current, earlier (says so) or unknown."""
    flag = KNOWN_FLAGS_BY_CODE.get(code)
    if flag is not None:
        return flag.label
    return f"{code.replace('_', ' ')} (unknown question)"


@dataclass(frozen=True)
class ScreenResult:
    """``outcome`` "clear" (the session may start), "positive" (stop; ``action`` says how) or
    "incomplete" (some question unanswered: the session cannot start yet). ``positives`` and
    ``unanswered`` hold flag codes in the order of :data:`RED_FLAGS` (retired codes last)."""

    outcome: Outcome
    positives: tuple[str, ...]
    message: str
    unanswered: tuple[str, ...] = ()
    #: the most severe action among the positive answers (None unless positive)
    action: Action | None = None

    @property
    def session_may_start(self) -> bool:
        return self.outcome == "clear"

    @property
    def emergency(self) -> bool:
        return self.action == "emergency"


def join_words(words: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c" (the screen's and the progression's sentences)."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _purposes(flags: list[RedFlag]) -> str:
    return join_words(list(dict.fromkeys(f"possible {f.purpose}" for f in flags)))


def _positive_message(positives: list[RedFlag]) -> str:
    emergency = [f for f in positives if f.action == "emergency"]
    urgent = [f for f in positives if f.action == "urgent"]
    if emergency:
        message = (
            "EMERGENCY: stop the session and call emergency services now. Yes to "
            f"{join_words([f.label for f in emergency])} ({_purposes(emergency)}). Do not exercise "
            "until the patient has been assessed."
        )
        if urgent:
            message += (
                f" Also yes to {join_words([f.label for f in urgent])} ({_purposes(urgent)}): tell "
                "the emergency team."
            )
        return message
    return (
        "Stop the session: no exercise today, and progression holds until a clearance is "
        "recorded. Urgent, not an emergency call: arrange a review today with the surgeon or "
        f"GP for {join_words([f.label for f in urgent])} ({_purposes(urgent)}). Call emergency "
        "services if new symptoms in both legs, saddle numbness, bladder or bowel changes, calf "
        "pain or swelling, chest pain or breathlessness appear."
    )


def _positive(flags: list[RedFlag], unanswered: tuple[str, ...] = ()) -> ScreenResult:
    action = max((f.action for f in flags), key=_SEVERITY.__getitem__)
    return ScreenResult(
        "positive", tuple(f.code for f in flags), _positive_message(flags), unanswered, action
    )


def screen(answers: Mapping[str, bool | None]) -> ScreenResult:
    """Screen the patient's answers to the current questions (flag code -> yes/no, None or
    absent = not answered).

    Any yes gives "positive" even when other questions are unanswered: stopping is the safe side.
    Raises ValueError for an unknown or retired code, or an answer that is not True, False or
    None.
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
        return _positive(positives, unanswered)
    if unanswered:
        labels = [RED_FLAGS_BY_CODE[code].label for code in unanswered]
        count = len(unanswered)
        message = (
            f"Answer every red-flag question before the session starts: {count} "
            f"{'question is' if count == 1 else 'questions are'} unanswered ({join_words(labels)})."
        )
        return ScreenResult("incomplete", (), message, unanswered)
    return ScreenResult("clear", (), "No red flags reported: the session can start.")


def stored_screen(answers: Mapping[str, object]) -> ScreenResult:
    """How a stored screen reads: its yes answers to current *and* retired questions, with the
    action each had (unknown codes and non-yes/no values are left out). Only the positives
    matter here: "positive", else "clear"."""
    yes = [f for f in (*RED_FLAGS, *RETIRED_FLAGS) if answers.get(f.code) is True]
    if yes:
        return _positive(yes)
    return ScreenResult("clear", (), "No red flags reported.")


# --- what followed a positive screen -------------------------------------------------------

#: referred to whom, code -> label (the form's choices, in this order)
REFERRALS: Mapping[str, str] = MappingProxyType(
    {
        "emergency_services": "Emergency services called",
        "emergency_department": "Emergency department",
        "surgeon": "Surgeon or spinal team",
        "gp": "GP (family doctor)",
        "other": "Other (say who in the details)",
        "none": "No referral (say why in the details)",
    }
)
TEXT_MAX = 2000
NAME_MAX = 200


@dataclass(frozen=True)
class RedFlagOutcomeEntry:
    """What followed a positive screen: the advice given and who the patient was referred to."""

    advice: str
    referred_to: str
    referral_details: str = ""


@dataclass(frozen=True)
class ClearanceEntry:
    """Exercise cleared to resume: by whom (name and role, e.g. "surgeon Dr Ng"), on which day."""

    cleared_by: str
    cleared_on: dt.date | None
    note: str = ""


def check_outcome(entry: RedFlagOutcomeEntry, errors: Collector) -> None:
    """Advice is required; the referral is one of :data:`REFERRALS`; "other" and "none" say
    who or why in the details."""
    errors.check(bool(entry.advice.strip()), "advice", "Say what advice was given.")
    errors.check(
        len(entry.advice) <= TEXT_MAX, "advice", f"Advice: at most {TEXT_MAX} characters."
    )
    if entry.referred_to not in REFERRALS:
        errors.add("referred_to", "Choose who the patient was referred to.")
    elif entry.referred_to in ("other", "none") and not entry.referral_details.strip():
        why = "who the patient was referred to" if entry.referred_to == "other" else (
            "why there was no referral (for example, the patient declined)"
        )
        errors.add("referral_details", f"Say {why}.")
    errors.check(
        len(entry.referral_details) <= TEXT_MAX,
        "referral_details",
        f"Referral details: at most {TEXT_MAX} characters.",
    )
    for name in ("advice", "referral_details"):
        bounds.check_text(errors, name, getattr(entry, name), limit=TEXT_MAX, multiline=True)


def check_clearance(
    entry: ClearanceEntry, errors: Collector, *, flagged_on: dt.date, today: dt.date
) -> None:
    """Who cleared exercise (required, at most :data:`NAME_MAX` characters) and when: on or
    after the positive screen, not in the future."""
    errors.check(
        bool(entry.cleared_by.strip()),
        "cleared_by",
        "Say who cleared exercise to resume (name and role, e.g. surgeon Dr Ng).",
    )
    errors.check(
        len(entry.cleared_by) <= NAME_MAX, "cleared_by", f"At most {NAME_MAX} characters."
    )
    when = entry.cleared_on
    if when is None:
        errors.add("cleared_on", "Enter the date exercise was cleared to resume.")
    elif when < flagged_on:
        errors.add(
            "cleared_on",
            f"The clearance cannot be before the red flag ({flagged_on.isoformat()}).",
        )
    elif when > today:
        errors.add("cleared_on", "The clearance date cannot be in the future.")
    errors.check(len(entry.note) <= TEXT_MAX, "clearance_note", f"At most {TEXT_MAX} characters.")
    bounds.check_text(errors, "cleared_by", entry.cleared_by, limit=NAME_MAX)
    bounds.check_text(errors, "clearance_note", entry.note, limit=TEXT_MAX, multiline=True)


def follow_up_text(
    referred_to: str | None, cleared_by: str | None, cleared_on: dt.date | None
) -> str:
    """What followed a positive screen, in one line (the Sessions tab, the banner, the report):
    the referral ("outcome not recorded" without one) and the clearance status."""
    referral = (
        "outcome not recorded"
        if referred_to is None
        else f"referred to: {REFERRALS.get(referred_to, referred_to)}"
    )
    if cleared_on is None:
        return f"{referral}; not cleared (exercise and progression on hold)"
    return f"{referral}; cleared {cleared_on.isoformat()} by {cleared_by or 'not recorded'}"
