"""Global Rating of Change (GRC): one rating of how the patient's condition has changed since
the start of the program (pure: no I/O).

Source: Kamper SJ, Maher CG, Mackay G. Global rating of change scales: a review of strengths and
weaknesses and considerations for design. J Man Manip Ther 2009;17(3):163-170. GRC scales are
free to use; the question and the anchor words here are the clinic's own.

* Scale: -5 (very much worse) through 0 (about the same) to +5 (very much better), 11 points.
  Why 11: Kamper et al. weigh scales with too few points (insensitive to change) against very
  long ones (hard for patients to tell neighbouring points apart); -5..+5 sits between the
  common 7- and 15-point versions and matches the 0-10 pain scales the patient already uses.
  The length is a clinic default.
* Asked at follow-ups only: at baseline there is nothing to compare with, so the service refuses
  a GRC marked ``baseline``. It is never compared with a baseline; reports show the latest rating
  (and earlier ones) as they are, with no threshold of importance.
"""

from __future__ import annotations

from rehab_tracker.domain.numbers import is_int

GRC_RULE_VERSION = "grc-11-point"
GRC_LOW, GRC_HIGH = -5, 5

GRC_QUESTION = (
    "Since the program started, how would you rate your back and leg problem overall?"
)
GRC_ANCHORS: dict[int, str] = {
    -5: "very much worse",
    -4: "much worse",
    -3: "moderately worse",
    -2: "somewhat worse",
    -1: "a little worse",
    0: "about the same",
    1: "a little better",
    2: "somewhat better",
    3: "moderately better",
    4: "much better",
    5: "very much better",
}
GRC_MESSAGE = "Choose a rating from -5 (very much worse) to +5 (very much better)."
GRC_BASELINE_MESSAGE = (
    "A global rating of change compares with the start of the program: record it at a "
    "follow-up, not at baseline."
)
GRC_ATTRIBUTION = (
    "Global Rating of Change: one rating from -5 (very much worse) to +5 (very much better) "
    "since the program started, asked at follow-ups; design after Kamper, Maher & Mackay 2009, "
    "J Man Manip Ther 17(3):163-170; the 11-point length and the wording are the clinic's own."
)


def grc_error(rating: object) -> str | None:
    """The message for a rating that is not a whole number -5..+5, or None."""
    if not is_int(rating) or not GRC_LOW <= rating <= GRC_HIGH:
        return GRC_MESSAGE
    return None


def grc_text(rating: int) -> str:
    """``grc_text(3) == "+3 (moderately better)"``; ``grc_text(0) == "0 (about the same)"``."""
    if grc_error(rating) is not None:
        raise ValueError(f"GRC rating must be a whole number -5..+5, got {rating!r}")
    sign = "+" if rating > 0 else ""
    return f"{sign}{rating} ({GRC_ANCHORS[rating]})"
