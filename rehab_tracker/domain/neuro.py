"""Neurological screen of the lower limbs at assessment time points (pure: no I/O).

Per side (left, right), each finding optional ("not tested" is None):

* straight-leg raise: negative or positive, and the hip-flexion angle in degrees (0-90) at which
  the patient's leg symptoms were reproduced (required when positive);
* myotomes L2-S1: strength on the MRC scale, 0 (no contraction) to 5 (normal);
* dermatomes L2-S1: sensation normal, reduced or absent;
* reflexes: knee (L4) and ankle (S1): normal, reduced, absent or brisk.

:func:`screen_changes` lists what changed between two screens (baseline and latest, chosen as
for every other measure: domain.outcomes.baseline_and_latest), e.g.
``"L5 myotome left 4/5 -> 5/5 (better)"``. Only findings tested at both screens are compared.
A brisk reflex is not what a lumbar nerve root causes (it points above the roots): a change to
brisk says so and asks for review.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rehab_tracker.domain.errors import Collector
from rehab_tracker.domain.numbers import is_int

NEURO_RULE_VERSION = "neuro-screen-1"
SIDES: tuple[str, ...] = ("left", "right")
LEVELS: tuple[str, ...] = ("L2", "L3", "L4", "L5", "S1")
#: the key movement that tests each myotome (the common clinical choice)
MYOTOME_MOVEMENTS: dict[str, str] = {
    "L2": "hip flexion",
    "L3": "knee extension",
    "L4": "ankle dorsiflexion",
    "L5": "great toe extension",
    "S1": "ankle plantarflexion",
}
MRC_HIGH = 5
SLR_RESULTS: tuple[str, ...] = ("negative", "positive")
SLR_MAX_ANGLE = 90
SENSATION: tuple[str, ...] = ("normal", "reduced", "absent")
REFLEX_GRADES: tuple[str, ...] = ("normal", "reduced", "absent", "brisk")
#: reflex -> the root it mainly tests
REFLEXES: dict[str, str] = {"knee": "L4", "ankle": "S1"}

NEURO_ATTRIBUTION = (
    "Neurological screen: straight-leg raise with the angle of symptom reproduction, myotomes "
    "L2-S1 graded on the MRC 0-5 scale, dermatomes L2-S1 (normal, reduced, absent), knee (L4) "
    "and ankle (S1) reflexes, each side."
)


@dataclass(frozen=True)
class SideFindings:
    """One side's findings; None (or a missing key) = not tested."""

    slr: str | None = None
    slr_angle: int | None = None
    myotomes: Mapping[str, int | None] = field(default_factory=dict)
    dermatomes: Mapping[str, str | None] = field(default_factory=dict)
    reflexes: Mapping[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class NeuroScreenEntry:
    left: SideFindings = field(default_factory=SideFindings)
    right: SideFindings = field(default_factory=SideFindings)

    def side(self, name: str) -> SideFindings:
        return self.left if name == "left" else self.right


def _check_side(side: str, f: SideFindings, errors: Collector) -> int:
    """Check one side (errors keyed ``left.slr``, ``left.myotome.L5``...); how many findings."""
    count = 0
    if f.slr is not None:
        count += 1
        errors.check(f.slr in SLR_RESULTS, f"{side}.slr", "Negative, positive or not tested.")
    if f.slr_angle is not None and (
        not is_int(f.slr_angle) or not 0 <= f.slr_angle <= SLR_MAX_ANGLE
    ):
        errors.add(f"{side}.slr_angle", "The angle: a whole number of degrees from 0 to 90.")
    elif f.slr_angle is not None and f.slr is None:
        errors.add(f"{side}.slr", "Say whether the raise was negative or positive.")
    if f.slr == "positive" and f.slr_angle is None:
        errors.add(f"{side}.slr_angle", "Give the angle (0-90°) at which symptoms came on.")
    for group, allowed in (("myotome", None), ("dermatome", SENSATION), ("reflex", REFLEX_GRADES)):
        values = _group(f, group)
        for key, value in values.items():
            if value is None:
                continue
            count += 1
            ok = (is_int(value) and 0 <= value <= MRC_HIGH) if allowed is None else value in allowed
            if not ok:
                errors.add(f"{side}.{group}.{key}", _group_message(group))
        unknown = set(values) - set(REFLEXES if group == "reflex" else LEVELS)
        for key in sorted(unknown):
            errors.add(f"{side}.{group}.{key}", f"Unknown {group} {key!r}.")
    return count


def _group(f: SideFindings, group: str) -> Mapping[str, Any]:
    return {"myotome": f.myotomes, "dermatome": f.dermatomes, "reflex": f.reflexes}[group]


def _group_message(group: str) -> str:
    return {
        "myotome": "Strength: a whole number from 0 to 5 (MRC), or not tested.",
        "dermatome": "Sensation: normal, reduced, absent, or not tested.",
        "reflex": "Reflex: normal, reduced, absent, brisk, or not tested.",
    }[group]


def validate_neuro(entry: NeuroScreenEntry) -> None:
    """Every problem at once as ValidationError (``left.slr_angle``, ``right.myotome.S1``...);
    a screen with no finding at all is refused (key ``screen``)."""
    errors = Collector()
    found = sum(_check_side(side, entry.side(side), errors) for side in SIDES)
    if found == 0 and not errors.errors:
        errors.add("screen", "Record at least one finding (the others may be not tested).")
    errors.raise_if_any()


# --------------------------------------------------------------------------- stored document


def to_doc(entry: NeuroScreenEntry) -> dict[str, Any]:
    """The stored findings (plain JSON), not-tested findings left out."""

    def side(f: SideFindings) -> dict[str, Any]:
        return {
            "slr": f.slr,
            "slr_angle": f.slr_angle,
            "myotomes": {k: v for k, v in f.myotomes.items() if v is not None},
            "dermatomes": {k: v for k, v in f.dermatomes.items() if v is not None},
            "reflexes": {k: v for k, v in f.reflexes.items() if v is not None},
        }

    return {s: side(entry.side(s)) for s in SIDES}


def from_doc(doc: Mapping[str, Any]) -> NeuroScreenEntry:
    """The entry of stored findings (what is not a mapping reads as not tested)."""

    def side(raw: object) -> SideFindings:
        d = raw if isinstance(raw, Mapping) else {}

        def part(key: str) -> dict[str, Any]:
            value = d.get(key)
            return dict(value) if isinstance(value, Mapping) else {}

        return SideFindings(
            slr=d.get("slr"),
            slr_angle=d.get("slr_angle"),
            myotomes=part("myotomes"),
            dermatomes=part("dermatomes"),
            reflexes=part("reflexes"),
        )

    return NeuroScreenEntry(left=side(doc.get("left")), right=side(doc.get("right")))


# ----------------------------------------------------------------------------- reading it


@dataclass(frozen=True)
class Finding:
    """One tested finding: ``name`` ("L5 myotome left"), ``text`` ("4/5"), ``rank`` (0 = normal,
    higher = further from normal; None for a brisk reflex, which is abnormal in another way)."""

    key: str
    name: str
    text: str
    rank: float | None


def _slr(side: str, f: SideFindings) -> Finding | None:
    if f.slr is None:
        return None
    angle = f" at {f.slr_angle}°" if f.slr_angle is not None else ""
    # a positive raise at a lower angle is further from normal
    rank = 0.0 if f.slr == "negative" else 1.0 + (SLR_MAX_ANGLE - (f.slr_angle or 0)) / 100
    return Finding(f"{side}.slr", f"Straight-leg raise {side}", f"{f.slr}{angle}", rank)


def findings(entry: NeuroScreenEntry) -> list[Finding]:
    """Every tested finding of a screen, side by side, in the form's order."""
    out: list[Finding] = []
    for side in SIDES:
        f = entry.side(side)
        slr = _slr(side, f)
        if slr is not None:
            out.append(slr)
        for level in LEVELS:
            grade = f.myotomes.get(level)
            if grade is not None:
                out.append(
                    Finding(f"{side}.myotome.{level}", f"{level} myotome {side}", f"{grade}/5",
                            float(MRC_HIGH - grade))
                )
        for level in LEVELS:
            sense = f.dermatomes.get(level)
            if sense is not None:
                out.append(
                    Finding(f"{side}.dermatome.{level}", f"{level} dermatome {side}", sense,
                            float(SENSATION.index(sense)))
                )
        for reflex, root in REFLEXES.items():
            grade_text = f.reflexes.get(reflex)
            if grade_text is not None:
                rank = None if grade_text == "brisk" else float(REFLEX_GRADES.index(grade_text))
                out.append(
                    Finding(f"{side}.reflex.{reflex}",
                            f"{reflex.capitalize()} reflex ({root}) {side}", grade_text, rank)
                )
    return out


def abnormal(entry: NeuroScreenEntry) -> list[str]:
    """The findings that are not normal: ``["L5 myotome left 4/5", ...]``."""
    return [f"{f.name} {f.text}" for f in findings(entry) if f.rank is None or f.rank > 0]


def _direction(before: Finding, after: Finding) -> str:
    if after.rank is None:
        return " (brisk: not a nerve-root sign, points above the lumbar roots; review)"
    if before.rank is None:
        return ""
    if after.rank < before.rank:
        return " (better)"
    if after.rank > before.rank:
        return " (worse)"
    return ""


def screen_changes(baseline: NeuroScreenEntry, latest: NeuroScreenEntry) -> list[str]:
    """What changed between two screens, one line per finding tested at both:
    ``"L5 myotome left 4/5 -> 5/5 (better)"``."""
    later = {f.key: f for f in findings(latest)}
    lines = []
    for before in findings(baseline):
        after = later.get(before.key)
        if after is None or after.text == before.text:
            continue
        lines.append(f"{before.name} {before.text} -> {after.text}{_direction(before, after)}")
    return lines


def compared_count(baseline: NeuroScreenEntry, latest: NeuroScreenEntry) -> int:
    """How many findings were tested at both screens."""
    return len({f.key for f in findings(baseline)} & {f.key for f in findings(latest)})
