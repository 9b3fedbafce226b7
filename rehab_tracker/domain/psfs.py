"""Patient-Specific Functional Scale (PSFS): pure rules, no I/O.

Source: Stratford P, Gill C, Westaway M, Binkley J. Assessing disability and change on
individual patients: a report of a patient specific measure. Physiotherapy Canada
1995;47(4):258-263. The scale is free to use; the app words its own instructions.

* The patient names up to :data:`MAX_ACTIVITIES` activities they find hard because of their
  problem, in their own words, and rates each from 0 (cannot do it at all) to 10 (can do it as
  well as before the problem). At least one activity.
* Score: the mean of the ratings (0-10, higher is better), stored unrounded with the activities
  and their ratings (the raw answers) and :data:`PSFS_RULE_VERSION`.
* The activities persist across time points: once a baseline exists, a later PSFS rates the
  same activities (the form fills them in), so the change compares like with like. To change
  the activities, delete the earlier PSFS records and start a new baseline.
* The change of the mean is judged against the ``psfs`` threshold (domain.thresholds, a clinic
  default); the change of each activity is shown beside it (:func:`activity_changes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rehab_tracker.domain import bounds
from rehab_tracker.domain.errors import Collector
from rehab_tracker.domain.numbers import is_int
from rehab_tracker.domain.units import format_number

PSFS_RULE_VERSION = "psfs-mean-0-10"
MAX_ACTIVITIES = 5
MAX_NAME_LENGTH = 80
RATING_LOW, RATING_HIGH = 0, 10

RATING_MESSAGE = "Rate the activity with a whole number from 0 to 10."
PSFS_ATTRIBUTION = (
    "Patient-Specific Functional Scale (PSFS): Stratford et al. 1995, Physiotherapy Canada "
    "47(4):258-263; the patient's own activities rated 0 (cannot do) to 10 (as before the "
    "problem); score = mean of the ratings. Free to use."
)


@dataclass(frozen=True)
class PsfsActivity:
    """One activity in the patient's words and its rating (None: not rated yet)."""

    name: str
    rating: int | None


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def validate_psfs(
    activities: Sequence[PsfsActivity], baseline: Sequence[str] | None = None
) -> tuple[PsfsActivity, ...]:
    """The activities to store (names trimmed, empty rows dropped), or ValidationError keyed
    ``activity_N`` / ``rating_N`` (N counts from 1, the form's rows) or ``activities``.

    ``baseline``: the activity names of the patient's baseline PSFS, when there is one; the
    record must then rate exactly those activities (any order, case and spacing ignored).
    """
    errors = Collector()
    kept: list[PsfsActivity] = []
    seen: set[str] = set()
    if len(activities) > MAX_ACTIVITIES:
        errors.add("activities", f"Name at most {MAX_ACTIVITIES} activities.")
    for n, activity in enumerate(activities, start=1):
        name = " ".join(activity.name.split())
        if name or activity.rating is not None:  # an empty row is skipped
            _check_row(n, name, activity.rating, seen, errors)
            seen.add(_key(name))
            kept.append(PsfsActivity(name, activity.rating))
    if not kept and not errors.errors:
        errors.add("activity_1", "Name at least one activity and rate it from 0 to 10.")
    if baseline is not None and not errors.errors:
        wanted = {_key(n): n for n in baseline}
        if set(wanted) != {_key(a.name) for a in kept}:
            errors.add(
                "activities",
                "Rate the same activities as the baseline PSFS ("
                + "; ".join(baseline)
                + ") so the change compares like with like.",
            )
    errors.raise_if_any()
    return tuple(kept)


def _check_row(n: int, name: str, rating: object, seen: set[str], errors: Collector) -> None:
    if not name:
        errors.add(f"activity_{n}", "Name the activity in the patient's own words.")
    elif len(name) > MAX_NAME_LENGTH:
        errors.add(f"activity_{n}", f"At most {MAX_NAME_LENGTH} characters.")
    elif _key(name) in seen:
        errors.add(f"activity_{n}", "This activity is already listed.")
    bounds.check_text(errors, f"activity_{n}", name, limit=MAX_NAME_LENGTH)
    if rating is None or not is_int(rating) or not RATING_LOW <= rating <= RATING_HIGH:
        errors.add(f"rating_{n}", RATING_MESSAGE)


def psfs_score(ratings: Sequence[int]) -> float:
    """The mean rating, 0-10 (ValueError for no ratings or one outside 0-10)."""
    if not ratings:
        raise ValueError("PSFS needs at least one rated activity")
    for r in ratings:
        if not is_int(r) or not RATING_LOW <= r <= RATING_HIGH:
            raise ValueError(f"PSFS rating must be a whole number 0-10, got {r!r}")
    return sum(ratings) / len(ratings)


def answers_doc(activities: Sequence[PsfsActivity]) -> dict[str, object]:
    """The stored raw answers: ``{"activities": [{"name": ..., "rating": ...}, ...]}``."""
    return {"activities": [{"name": a.name, "rating": a.rating} for a in activities]}


def activities_of(answers: dict[str, object]) -> tuple[PsfsActivity, ...]:
    """The activities of stored raw answers (rows that are not name + rating are skipped)."""
    raw = answers.get("activities")
    out = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            rating = item.get("rating")
            out.append(PsfsActivity(item["name"], rating if is_int(rating) else None))
    return tuple(out)


def activity_changes(
    baseline: Sequence[PsfsActivity], latest: Sequence[PsfsActivity]
) -> list[str]:
    """One line per activity rated at both: ``"Climbing stairs: 3 -> 7 of 10 (+4)"``, in the
    baseline's order."""
    later = {_key(a.name): a for a in latest}
    lines = []
    for before in baseline:
        after = later.get(_key(before.name))
        if after is None or before.rating is None or after.rating is None:
            continue
        diff = after.rating - before.rating
        sign = "+" if diff > 0 else ""
        change = "no change" if diff == 0 else f"{sign}{format_number(diff)}"
        lines.append(f"{before.name}: {before.rating} -> {after.rating} of 10 ({change})")
    return lines
