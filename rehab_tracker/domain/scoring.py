"""Outcome scoring and change interpretation (the analysts' public API).

Sources (see /work/shared/domain/CLINICAL.md):

* ODI v2.1a: 10 sections scored 0-5; % = sum of answered / (5 x answered) x 100. Severity bands
  after Fairbank & Pynsent, Spine 2000.
* RMDQ: 24 yes/no items, score = number of yes (Roland & Morris 1983).
* 6-minute walk reference equations: Enright & Sherrill, Am J Respir Crit Care Med 1998
  (derived in healthy adults aged 40-80; outside that range they extrapolate).
* Minimal clinically important change: :mod:`rehab_tracker.domain.thresholds`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from rehab_tracker.domain.instruments import (
    ODI_SECTION_COUNT,
    RMDQ_ITEM_COUNT,
    odi_section_label,
)
from rehab_tracker.domain.numbers import is_int
from rehab_tracker.domain.thresholds import DEFAULT_THRESHOLDS, MEASURES, Threshold
from rehab_tracker.domain.units import (
    EXACT,
    UNIT_SYSTEMS,
    decimal_text,
    format_number,
    measured_amount,
    metres_to_feet,
)

__all__ = [
    "ODI_BAND_WORDS",
    "ODI_RULE_VERSION",
    "SCORING_RULE_VERSION",
    "SIX_MINUTE_AGES",
    "IncompleteResponse",
    "Interpretation",
    "SixMinutePrediction",
    "change_interpretation",
    "describe_threshold",
    "mcid_reached",
    "nprs_rule_id",
    "odi_band",
    "odi_band_words",
    "odi_rule_id",
    "odi_score",
    "predict_six_minute_walk",
    "rmdq_rule_id",
    "rmdq_score",
    "six_minute_age_caveat",
    "six_minute_walk_predicted",
]

ODI_RULE_VERSION = "odi-2.1a"
RMDQ_RULE_VERSION = "rmdq-24"
NPRS_RULE_VERSION = "nprs-0-10"

#: Which rule scored a stored record, per instrument.
SCORING_RULE_VERSION: Mapping[str, str] = MappingProxyType(
    {"odi": ODI_RULE_VERSION, "rmdq": RMDQ_RULE_VERSION, "nprs": NPRS_RULE_VERSION}
)

ODI_MAX_SECTION_SCORE = 5
ODI_BANDS: tuple[tuple[float, str], ...] = (
    (20.0, "minimal"),
    (40.0, "moderate"),
    (60.0, "severe"),
    (80.0, "crippled"),
    (100.0, "bed-bound"),
)
#: each band in words, (clinical, patient): Fairbank's names for the clinician (above 80: "bed-bound
#: or exaggerating symptoms", both readings of so high a score); plain severity words, with no
#: "crippled" or "bed-bound" label, for the patient
ODI_BAND_WORDS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "minimal": ("minimal", "minimal"),
        "moderate": ("moderate", "moderate"),
        "severe": ("severe", "severe"),
        "crippled": ("crippled", "very severe"),
        "bed-bound": ("bed-bound or exaggerating symptoms", "extreme"),
    }
)


class IncompleteResponse(ValueError):
    """Too many questionnaire sections were left unanswered to give a score."""


# --------------------------------------------------------------------------------------------- ODI


def is_max_missing(value: object) -> bool:
    """Whether ``value`` is an ODI missing-section rule: a whole number 0 or more, or None (any
    number of sections may be missing)."""
    return value is None or (is_int(value) and value >= 0)


def _check_max_missing(max_missing: int | None) -> None:
    if not is_max_missing(max_missing):
        raise ValueError(
            f"max_missing must be a whole number 0 or more, or None; got {max_missing!r}"
        )


def odi_rule_id(max_missing: int | None = 1) -> str:
    """``"odi-2.1a;max_missing=1"``, or ``"odi-2.1a;max_missing=any"`` for ``None``."""
    _check_max_missing(max_missing)
    return f"{ODI_RULE_VERSION};max_missing={'any' if max_missing is None else max_missing}"


def rule_words(rule_id: str) -> str:
    """A stored ODI rule id in words for screens and reports: ``"odi-2.1a;max_missing=1"`` reads
    ``"scored with at most 1 section missing"`` (``0``: no section missing; ``any``: any number
    missing). Ids without a setting (RMDQ, NPRS) and unknown ids read ``""``: the version itself
    is for the record, not for the screen."""
    version, _, setting = rule_id.partition(";max_missing=")
    if version != ODI_RULE_VERSION or not setting:
        return ""
    if setting == "any":
        return "scored with any number of sections missing"
    if not setting.isdigit():
        return ""
    count = int(setting)
    if count == 0:
        return "scored with no section missing"
    return f"scored with at most {count} section{'s' if count > 1 else ''} missing"


def rmdq_rule_id() -> str:
    return RMDQ_RULE_VERSION


def nprs_rule_id() -> str:
    return NPRS_RULE_VERSION


def _as_sequence(values: Iterable[object] | object, what: str) -> tuple[object, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValueError(f"{what} must be a sequence, got {type(values).__name__}")
    return tuple(values)


def odi_score(sections: Sequence[int | None], *, max_missing: int | None = 1) -> float:
    """ODI percentage 0-100 (unrounded) from 10 section scores 0-5, ``None`` = unanswered.

    ``max_missing`` is how many unanswered sections the clinic accepts (``None`` = any number, the
    other common rule). Raises :class:`IncompleteResponse` when more are missing, or when nothing
    was answered; ValueError for a wrong length or a value that is not a whole number 0-5.
    """
    _check_max_missing(max_missing)
    values = _as_sequence(sections, "ODI sections")
    if len(values) != ODI_SECTION_COUNT:
        raise ValueError(f"ODI needs exactly {ODI_SECTION_COUNT} sections, got {len(values)}")
    total = 0
    missing: list[str] = []
    for index, value in enumerate(values):
        if value is None:
            missing.append(odi_section_label(index))
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise ValueError(
                f"ODI {odi_section_label(index)}: score must be a whole number 0-5 or empty, "
                f"got {value!r}"
            )
        if not 0 <= int(value) <= ODI_MAX_SECTION_SCORE:
            raise ValueError(f"ODI {odi_section_label(index)}: score must be 0-5, got {value!r}")
        total += int(value)
    answered = ODI_SECTION_COUNT - len(missing)
    if answered == 0:
        raise IncompleteResponse("ODI: no section answered, nothing to score")
    if max_missing is not None and len(missing) > max_missing:
        raise IncompleteResponse(
            f"ODI: {len(missing)} sections unanswered ({', '.join(missing)}); "
            f"the scoring rule allows at most {max_missing}"
        )
    return total / (ODI_MAX_SECTION_SCORE * answered) * 100


def odi_band(percent: float) -> str:
    """Fairbank severity band of an ODI percentage (upper bounds inclusive: 20 is "minimal")."""
    value = _real(percent, "ODI percentage")
    if not 0 <= value <= 100:
        raise ValueError(f"ODI percentage must be 0-100, got {percent!r}")
    for upper, band in ODI_BANDS:
        if value <= upper:
            return band
    raise AssertionError("unreachable")  # pragma: no cover


def odi_band_words(band: str, audience: str = "clinical") -> str:
    """A band of :func:`odi_band` in the audience's words ("clinical" or "patient")."""
    clinical, patient = ODI_BAND_WORDS[band]
    return patient if audience == "patient" else clinical


# -------------------------------------------------------------------------------------------- RMDQ


def rmdq_score(items: Sequence[bool]) -> int:
    """RMDQ score 0-24: the number of items answered yes (``True``). Only real bools count."""
    values = _as_sequence(items, "RMDQ items")
    if len(values) != RMDQ_ITEM_COUNT:
        raise ValueError(f"RMDQ needs exactly {RMDQ_ITEM_COUNT} answers, got {len(values)}")
    for index, value in enumerate(values):
        if not isinstance(value, bool):
            raise ValueError(f"RMDQ item {index + 1}: answer must be True or False, got {value!r}")
    return sum(1 for value in values if value)


# ----------------------------------------------------------------------------------- 6-minute walk


def _real(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    result = float(value)
    if math.isnan(result):
        raise ValueError(f"{name} must be a number, got NaN")
    return result


def _positive(value: object, name: str) -> float:
    result = _real(value, name)
    if not math.isfinite(result) or result <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return result


def six_minute_walk_predicted(
    sex: str, age_years: float, height_cm: float, weight_kg: float
) -> tuple[float, float]:
    """Predicted 6-minute walk distance and lower limit of normal, in metres (Enright-Sherrill).

    Men: 7.57 x height - 5.02 x age - 1.76 x weight - 309; LLN = predicted - 153.
    Women: 2.11 x height - 2.29 x weight - 5.78 x age + 667; LLN = predicted - 139.
    ``sex`` is "male" or "female" (case and surrounding spaces ignored).
    """
    if not isinstance(sex, str):
        raise ValueError(f"sex must be 'male' or 'female', got {sex!r}")
    age = _positive(age_years, "age_years")
    height = _positive(height_cm, "height_cm")
    weight = _positive(weight_kg, "weight_kg")
    key = sex.strip().lower()
    if key == "male":
        predicted = 7.57 * height - 5.02 * age - 1.76 * weight - 309
        return predicted, predicted - 153
    if key == "female":
        predicted = 2.11 * height - 2.29 * weight - 5.78 * age + 667
        return predicted, predicted - 139
    raise ValueError(f"sex must be 'male' or 'female', got {sex!r}")


#: the ages the Enright-Sherrill equation was derived in; outside them it is extrapolated
SIX_MINUTE_AGES = (40, 80)


def six_minute_age_caveat(age_years: int) -> str | None:
    """What to say beside a predicted 6-minute walk distance when the patient's age lies outside
    :data:`SIX_MINUTE_AGES` (None inside them): the walk form, the Outcomes tab and the clinical
    report all say it in these words."""
    low, high = SIX_MINUTE_AGES
    if low <= age_years <= high:
        return None
    return (
        f"The Enright-Sherrill equations were derived in healthy adults aged {low}-{high}: "
        f"at age {age_years} the predicted distance is an extrapolation."
    )


@dataclass(frozen=True)
class SixMinutePrediction:
    """Enright-Sherrill for one patient. ``missing`` names what the equation still needs
    (``"sex"`` as male or female, ``"height"``, ``"weight"``; the distances are None then);
    ``extrapolated`` when the age lies outside :data:`SIX_MINUTE_AGES`."""

    predicted_m: float | None
    lower_limit_m: float | None
    missing: tuple[str, ...]
    extrapolated: bool


def predict_six_minute_walk(
    sex: str, age_years: int, height_m: float | None, weight_kg: float | None
) -> SixMinutePrediction:
    """The predicted 6-minute walk distance and lower limit of normal of a patient as the record
    holds them (:func:`six_minute_walk_predicted`; an age under 1 counts as 1), or what is
    missing for them: the one rule the Outcomes tab and the report use."""
    low, high = SIX_MINUTE_AGES
    extrapolated = not low <= age_years <= high
    needs = (
        ("sex", sex not in ("male", "female")),
        ("height", height_m is None),
        ("weight", weight_kg is None),
    )
    missing = tuple(name for name, absent in needs if absent)
    if missing or height_m is None or weight_kg is None:
        return SixMinutePrediction(None, None, missing, extrapolated)
    predicted, lower = six_minute_walk_predicted(
        sex, max(age_years, 1), height_m * 100.0, weight_kg
    )
    return SixMinutePrediction(predicted, lower, (), extrapolated)


# ----------------------------------------------------------------------------------------- change


@dataclass(frozen=True)
class Interpretation:
    """What a change between two measurements means.

    ``change`` is ``follow_up - baseline`` in the measure's unit (SI, unrounded); ``improvement``
    is the same amount signed so that positive is better; ``percent_change`` is ``change`` as a
    percentage of the baseline (None when the baseline is 0).

    The verdict is read from the numbers as they are shown
    (:func:`~rehab_tracker.domain.units.measured_amount`), so no sentence contradicts itself at
    any rounding: ``shown_change`` is the shown follow-up minus the shown baseline (``"-12"``,
    ``"+44"``, ``"0"``; feet for an imperial clinic) and ``shown_percent`` that change as a
    percentage of the shown baseline, to one decimal (None from a shown baseline of 0).

    ``reached``: the shown improvement reaches the absolute threshold, or the relative one (a
    threshold for improvement only, Ostelo 2008); ``rule`` names the rule met (``"absolute"``,
    else ``"relative"``; None when neither, nor a worsening). ``worsened_by_threshold``: the shown
    deterioration reaches the absolute threshold (the relative rule never marks worsening; rule
    ``"absolute"``). ``threshold`` describes the rule ("10-point or 30%"); ``sentence`` is the
    plain-words summary the GUI and reports show.
    """

    measure: str
    baseline: float
    follow_up: float
    change: float
    improvement: float
    percent_change: float | None
    reached: bool
    worsened_by_threshold: bool
    rule: str | None
    threshold: str
    shown_change: str
    shown_percent: str | None
    sentence: str
    #: the name the sentence opens with ("Back pain", "TUG time")
    noun: str = ""


def _check_value(value: object, name: str, threshold: Threshold) -> float:
    result = _real(value, f"{threshold.label} {name}")
    low, high = threshold.valid_range
    if not math.isfinite(result) or result < low or (high is not None and result > high):
        allowed = (
            f"{format_number(low)}-{format_number(high)}"
            if high is not None
            else (f"{format_number(low)} or more")
        )
        raise ValueError(f"{threshold.label} {name} must be {allowed}, got {value!r}")
    return result


def _feet(threshold: Threshold, units: str) -> bool:
    """Whether the measure's amounts read in feet (a distance for an imperial clinic)."""
    return threshold.unit == "m" and units == "imperial"


def _threshold_number(threshold: Threshold, units: str) -> str:
    """The absolute threshold's number as shown and compared: ``"10"``, ``"45.5"``, or feet to
    one decimal for an imperial clinic (30 m is ``"98.4"``: whole feet would read 98 and make a
    98 ft change look like it reaches a threshold it does not)."""
    if _feet(threshold, units):
        return format_number(metres_to_feet(threshold.absolute), 1)
    return format_number(threshold.absolute, 2)


def describe_threshold(
    threshold: Threshold, units: str = "metric", *, absolute_only: bool = False
) -> str:
    """``Threshold.describe`` in the clinic's unit system: "30 m" or "98.4 ft" (the threshold
    itself stays in SI; only its words change)."""
    if not _feet(threshold, units):
        return threshold.describe_absolute() if absolute_only else threshold.describe()
    absolute = f"{_threshold_number(threshold, units)} ft"
    if absolute_only or threshold.relative is None:
        return absolute
    return f"{absolute} or {threshold.describe_relative()}"


@dataclass(frozen=True)
class _Shown:
    """One change in the numbers a sentence shows (exact decimals in the shown unit)."""

    baseline: Decimal
    follow_up: Decimal
    change: Decimal  # shown follow-up - shown baseline
    better: Decimal  # the shown change signed so that positive is better
    percent: Decimal | None  # |change| / |baseline| x 100 to one decimal; None from a shown 0
    absolute: Decimal  # the absolute threshold as shown
    relative: Decimal | None  # the relative threshold in % as shown; None: no relative rule


_PERCENT_STEP = Decimal("0.1")


def _shown(base: float, follow: float, threshold: Threshold, units: str) -> _Shown:
    b = measured_amount(base, threshold.unit, units)
    f = measured_amount(follow, threshold.unit, units)
    change = EXACT.subtract(f, b)
    better = EXACT.minus(change) if threshold.direction == "lower_better" else change
    percent = None
    if b != 0:
        ratio = EXACT.divide(EXACT.multiply(abs(change), 100), abs(b))
        percent = ratio.quantize(_PERCENT_STEP, rounding=ROUND_HALF_UP, context=EXACT)
    relative = None if threshold.relative is None else Decimal(threshold.describe_relative()[:-1])
    return _Shown(
        b, f, change, better, percent, Decimal(_threshold_number(threshold, units)), relative
    )


def _rules(s: _Shown) -> tuple[str | None, str | None]:
    """(rule the improvement met, rule the deterioration met): "absolute", "relative" or None.
    The relative (30%) rule is a threshold for improvement only (Ostelo 2008)."""
    if s.better > 0:
        if s.better >= s.absolute:
            return "absolute", None
        if s.relative is not None and s.percent is not None and s.percent >= s.relative:
            return "relative", None
    elif s.better < 0 and -s.better >= s.absolute:
        return None, "absolute"
    return None, None


def _signed(value: Decimal, grouped: bool) -> str:
    return ("+" if value > 0 else "") + decimal_text(value, grouped=grouped)


def change_interpretation(
    measure: str,
    baseline: float,
    follow_up: float,
    thresholds: Mapping[str, Threshold] | None = None,
    *,
    units: str = "metric",
    noun: str | None = None,
) -> Interpretation:
    """Interpret the change from ``baseline`` to ``follow_up`` against the measure's threshold.

    Values are compared as they are shown (metres, points and seconds to one decimal; whole feet
    for an imperial clinic) with the threshold as shown, so the words follow the numbers: a
    change is a clinically important improvement when the shown improvement reaches the absolute
    threshold or, where the measure has one and the shown baseline is not 0, the relative one
    (both inclusive). The relative rule is never applied to a deterioration; a deterioration of
    at least the absolute threshold sets ``worsened_by_threshold``. Each sentence names the rule
    it met ("absolute rule", "relative rule"), and a change below the threshold is "changed by",
    never "improved". Raises ValueError for an unknown measure or a value outside its range.

    ``units`` ("metric" or "imperial") words distances in metres or feet ("6-minute walk improved
    370 ft (from 1,465 to 1,835 ft), more than the 98.4 ft threshold (absolute rule)."); values
    and thresholds stay SI. ``noun`` names the measure in the sentence instead of the measure's
    own noun (the 50-foot walk tests share one threshold but are named apart).
    """
    if units not in UNIT_SYSTEMS:
        raise ValueError(f"units must be one of {', '.join(UNIT_SYSTEMS)}, got {units!r}")
    table = DEFAULT_THRESHOLDS if thresholds is None else thresholds
    if measure not in table:
        raise ValueError(f"unknown measure {measure!r}; known: {', '.join(table)}")
    threshold = table[measure]
    base = _check_value(baseline, "baseline", threshold)
    follow = _check_value(follow_up, "follow-up", threshold)
    change = follow - base
    percent_change = change / base * 100 if base != 0 else None
    if percent_change is not None and not math.isfinite(percent_change):
        percent_change = None  # a baseline so close to 0 that the ratio overflows

    shown = _shown(base, follow, threshold, units)
    improved, worsened = _rules(shown)
    if noun is None:
        info = MEASURES.get(measure)
        noun = info.noun if info is not None else threshold.label
    grouped = _feet(threshold, units)
    return Interpretation(
        measure=measure,
        baseline=base,
        follow_up=follow,
        change=change,
        improvement=-change if threshold.direction == "lower_better" else change,
        percent_change=percent_change,
        reached=improved is not None,
        worsened_by_threshold=worsened is not None,
        rule=improved or worsened,
        threshold=describe_threshold(threshold, units),
        shown_change=_signed(shown.change, grouped),
        shown_percent=(
            None
            if shown.percent is None
            else _signed(shown.percent if shown.change > 0 else -shown.percent, False)
        ),
        sentence=_Sentence(noun, shown, threshold, units).text(improved, worsened),
        noun=noun,
    )


@dataclass(frozen=True)
class _Sentence:
    """The words of one change: "ODI improved 12 points (from 40 to 28), more than the 10-point
    threshold (absolute rule)."."""

    noun: str
    shown: _Shown
    threshold: Threshold
    units: str

    def text(self, improved: str | None, worsened: str | None) -> str:
        s = self.shown
        if s.change == 0:
            same = f"{self._number(s.baseline)}{self._suffix}"
            return f"{self.noun} did not change ({same} at both measurements)."
        absolute = describe_threshold(self.threshold, self.units, absolute_only=True)
        if improved == "absolute":
            return self._says(
                "improved",
                "",
                f"{_reach(s.better, s.absolute)} the {absolute} threshold (absolute rule)",
            )
        if improved == "relative":
            return self._says(
                "improved",
                self._percent,
                f"{_reach(s.percent, s.relative)} the {self._relative} threshold (relative rule; "
                f"less than the {absolute} absolute threshold)",
            )
        if worsened == "absolute":
            return self._says(
                "got worse by",
                "",
                f"{_reach(-s.better, s.absolute)} the {absolute} threshold (absolute rule)",
            )
        if s.better > 0:
            return self._says(
                "changed by",
                self._percent if s.relative is not None else "",
                f"below {self._both(absolute)}",
            )
        rest = (
            f"; the {self._relative} rule applies to improvement only"
            if s.relative is not None
            else ""
        )
        return self._says("changed by", "", f"below the {absolute} threshold{rest}")

    def _says(self, verb: str, percent: str, verdict: str) -> str:
        s = self.shown
        unit = self.threshold.unit
        amount = self._number(abs(s.change))
        if unit == "points":
            words = f"{amount} point" if amount == "1" else f"{amount} points"
        else:
            words = f"{amount} {'ft' if _feet(self.threshold, self.units) else unit}"
        values = f"from {self._number(s.baseline)} to {self._number(s.follow_up)}{self._suffix}"
        return f"{self.noun} {verb} {words}{percent} ({values}), {verdict}."

    def _number(self, value: Decimal) -> str:
        return decimal_text(value, grouped=_feet(self.threshold, self.units))

    @property
    def _suffix(self) -> str:
        """Metric sentences name the unit once, in the amount; feet are named with the values."""
        return " ft" if _feet(self.threshold, self.units) else ""

    @property
    def _percent(self) -> str:
        """ ", 33.3%" after the amount (nothing from a shown baseline of 0)."""
        return "" if self.shown.percent is None else f", {decimal_text(self.shown.percent)}%"

    @property
    def _relative(self) -> str:
        return self.threshold.describe_relative()

    def _both(self, absolute: str) -> str:
        """ "the 2-point and 30% thresholds" (the absolute one alone from a shown baseline of 0
        or for a measure without a relative rule)."""
        if self.shown.relative is None:
            return f"the {absolute} threshold"
        if self.shown.percent is None:
            return f"the {absolute} threshold (no relative rule from a baseline of 0)"
        return f"the {absolute} and {self._relative} thresholds"


def _reach(amount: Decimal | None, threshold: Decimal | None) -> str:
    """ "reaching" when the shown amount equals the shown threshold, else "more than"."""
    return "reaching" if amount == threshold else "more than"


def mcid_reached(
    measure: str,
    baseline: float,
    follow_up: float,
    thresholds: Mapping[str, Threshold] | None = None,
) -> bool:
    """Whether the change is a clinically important improvement (see change_interpretation)."""
    return change_interpretation(measure, baseline, follow_up, thresholds).reached
