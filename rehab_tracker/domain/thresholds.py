"""Minimal clinically important change (MCIC) thresholds as data, each with its source.

Defaults follow /work/shared/domain/CLINICAL.md:

* ODI 10 points or 30%; NPRS 2 points or 30%; RMDQ 5 points (relative 30% as for the other
  patient-reported scores) -- Ostelo et al., Spine 2008;33(1):90-94, international consensus.
  The 30% rule is a threshold for improvement: it is never applied to worsening.
* 5-minute walk +45.5 m, 50-foot walk -0.6 s, Timed Up and Go -1.3 s -- Jakobsson et al. 2019,
  BMC Musculoskeletal Disorders: a lumbar fusion cohort tested 6 months after surgery, in which
  the 5-minute walk was not responsive (a disc-surgery cohort, Gautschi 2017, reports a mean TUG
  change of 3.4 s).
* 6-minute walk +30 m: the middle of the 26-35 m reported 3 months after spinal stenosis
  surgery (McIlroy et al. 2025, European Spine Journal), a clinic default.
* Five-repetition sit-to-stand -2 s, modified Biering-Sorensen hold +15 s, Patient-Specific
  Functional Scale (mean of the activities) +2 points: clinic defaults (see their sources).
* The Global Rating of Change is itself a rating of change (-5..+5, follow-ups only): it has a
  label here but no threshold, and is never compared with a baseline.

These thresholds define *improvement*. A worsening is marked only when it reaches the absolute
threshold (no published threshold for worsening: a clinic default).

A clinic may override the absolute and relative parts per measure with :func:`with_overrides`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Literal

from rehab_tracker.domain.errors import Collector
from rehab_tracker.domain.numbers import is_number
from rehab_tracker.domain.performance import SORENSEN_MAX_S
from rehab_tracker.domain.units import format_number

Direction = Literal["lower_better", "higher_better"]


@dataclass(frozen=True)
class MeasureInfo:
    """Display metadata for an outcome measure (stored values are in ``unit``)."""

    key: str
    label: str  # column / field label, e.g. "Back pain (NPRS)"
    noun: str  # how a sentence names it, e.g. "Back pain", "TUG time"
    unit: str  # "points", "m" or "s"
    direction: Direction
    valid_range: tuple[float, float | None]  # inclusive; None = no upper limit


@dataclass(frozen=True)
class Threshold:
    """One measure's clinically important change: ``absolute`` (in ``unit``) or ``relative``.

    ``relative`` is a fraction of the baseline (0.3 = 30%), or None when only the absolute rule
    applies. ``source`` cites where the numbers come from.
    """

    measure: str
    label: str
    unit: str
    direction: Direction
    absolute: float
    relative: float | None
    valid_range: tuple[float, float | None]
    source: str

    def describe(self) -> str:
        """Adjective form for sentences: ``"10-point or 30%"``, ``"30 m"``, ``"1.3 s"``."""
        amount = format_number(self.absolute, 2)
        absolute = f"{amount}-point" if self.unit == "points" else f"{amount} {self.unit}"
        if self.relative is None:
            return absolute
        return f"{absolute} or {format_number(self.relative * 100)}%"

    def describe_absolute(self) -> str:
        return replace(self, relative=None).describe()

    def describe_relative(self) -> str:
        if self.relative is None:
            return ""
        return f"{format_number(self.relative * 100)}%"


_OSTELO = (
    "Ostelo et al. 2008, Spine 33(1):90-94: international consensus on minimal important change "
    "in back pain; the 30% rule is a threshold for improvement and is not applied to worsening"
)
_JAKOBSSON = (
    "Jakobsson et al. 2019, BMC Musculoskeletal Disorders: a lumbar fusion cohort tested 6 months "
    "after surgery, not a discectomy population"
)
_JAKOBSSON_5MIN = (
    f"{_JAKOBSSON}; in that study the 5-minute walk was not responsive to change: read this "
    "threshold with care"
)
_JAKOBSSON_TUG = (
    f"{_JAKOBSSON}; in a disc-surgery cohort (Gautschi et al. 2017, Neurosurgery 80:380; 45% "
    "microdiscectomy) the mean TUG change was 3.4 s (0.9-6.0)"
)
_STENOSIS = (
    "McIlroy et al. 2025, European Spine Journal: 26-35 m, 3 months after surgery for lumbar "
    "spinal stenosis (97 patients, mean age 70; not a discectomy population); 30 m, the middle "
    "of that range, is a clinic default"
)
_STS = (
    "Clinic default: no minimal important change of the five-repetition sit-to-stand after "
    "lumbar discectomy is recorded in the clinic's sources; 2 s chosen, change it in settings"
)
_SORENSEN = (
    "Clinic default: no minimal important change of the modified Biering-Sorensen hold after "
    "lumbar discectomy is recorded in the clinic's sources; 15 s chosen, change it in settings"
)
_PSFS = (
    "Clinic default of 2 points on the mean score. PSFS: Stratford et al. 1995, Physiotherapy "
    "Canada 47(4):258-263; published minimal important change varies by study and population "
    "(e.g. 1.9-2.0 points in shoulder pain, Rysstad et al. 2020, BMC Musculoskeletal Disorders "
    "21:328); no estimate after discectomy is recorded in the clinic's sources"
)

MEASURES: Mapping[str, MeasureInfo] = MappingProxyType(
    {
        info.key: info
        for info in (
            MeasureInfo("odi", "ODI", "ODI", "points", "lower_better", (0.0, 100.0)),
            MeasureInfo(
                "nprs_back", "Back pain (NPRS)", "Back pain", "points", "lower_better", (0.0, 10.0)
            ),
            MeasureInfo(
                "nprs_leg", "Leg pain (NPRS)", "Leg pain", "points", "lower_better", (0.0, 10.0)
            ),
            MeasureInfo("rmdq", "RMDQ", "RMDQ", "points", "lower_better", (0.0, 24.0)),
            MeasureInfo(
                "walk_5min", "5-minute walk", "5-minute walk", "m", "higher_better", (0.0, None)
            ),
            MeasureInfo(
                "walk_6min", "6-minute walk", "6-minute walk", "m", "higher_better", (0.0, None)
            ),
            MeasureInfo(
                "walk_50ft", "50-foot walk", "50-foot walk time", "s", "lower_better", (0.0, None)
            ),
            MeasureInfo("tug", "Timed Up and Go", "TUG time", "s", "lower_better", (0.0, None)),
            MeasureInfo(
                "sts_5x",
                "Five-repetition sit-to-stand",
                "Sit-to-stand time",
                "s",
                "lower_better",
                (0.0, None),
            ),
            MeasureInfo(
                "sorensen",
                "Back-extensor hold (modified Biering-Sorensen)",
                "Back-extensor hold",
                "s",
                "higher_better",
                (0.0, SORENSEN_MAX_S),
            ),
            MeasureInfo(
                "psfs",
                "Patient-Specific Functional Scale",
                "PSFS (mean of the activities)",
                "points",
                "higher_better",
                (0.0, 10.0),
            ),
            MeasureInfo(
                "grc", "Global Rating of Change", "Global rating of change", "points",
                "higher_better", (-5.0, 5.0),
            ),
        )
    }
)


def shown_unit(measure: str) -> str:
    """The unit a measure's values are stored and shown in: ``%`` for the ODI (its 0-100 score
    is a percentage; its threshold counts points), the measure's own unit otherwise."""
    return "%" if measure == "odi" else MEASURES[measure].unit


def _threshold(key: str, absolute: float, relative: float | None, source: str) -> Threshold:
    info = MEASURES[key]
    return Threshold(
        measure=key,
        label=info.label,
        unit=info.unit,
        direction=info.direction,
        absolute=absolute,
        relative=relative,
        valid_range=info.valid_range,
        source=source,
    )


DEFAULT_THRESHOLDS: Mapping[str, Threshold] = MappingProxyType(
    {
        t.measure: t
        for t in (
            _threshold("odi", 10.0, 0.30, _OSTELO),
            _threshold("nprs_back", 2.0, 0.30, _OSTELO),
            _threshold("nprs_leg", 2.0, 0.30, _OSTELO),
            _threshold("rmdq", 5.0, 0.30, _OSTELO),
            _threshold("walk_5min", 45.5, None, _JAKOBSSON_5MIN),
            _threshold("walk_6min", 30.0, None, _STENOSIS),
            _threshold("walk_50ft", 0.6, None, _JAKOBSSON),
            _threshold("tug", 1.3, None, _JAKOBSSON_TUG),
            _threshold("sts_5x", 2.0, None, _STS),
            _threshold("sorensen", 15.0, None, _SORENSEN),
            _threshold("psfs", 2.0, None, _PSFS),
        )
    }
)

_OVERRIDABLE = ("absolute", "relative")


def with_overrides(
    overrides: Mapping[str, Mapping[str, float | None]],
    base: Mapping[str, Threshold] = DEFAULT_THRESHOLDS,
) -> dict[str, Threshold]:
    """Return ``base`` with a clinic's overrides applied, e.g. ``{"odi": {"absolute": 13}}``.

    Each override may set ``absolute`` (a positive number) and ``relative`` (a fraction strictly
    between 0 and 1, or None to switch the relative rule off). Every problem is reported at once
    as :class:`~rehab_tracker.domain.errors.ValidationError`, keyed ``"<measure>.<field>"``.
    An overridden threshold's ``source`` says it is a clinic setting and keeps the default's source.
    """
    errors = Collector()
    result = dict(base)
    for measure, fields in overrides.items():
        if measure not in base:
            errors.add(measure, f"Unknown measure {measure!r}; known: {', '.join(base)}.")
            continue
        if not isinstance(fields, Mapping):
            errors.add(measure, "Expected a mapping of 'absolute' and/or 'relative'.")
            continue
        current = base[measure]
        absolute, relative = _overridden_values(measure, current, fields, errors)
        if (absolute, relative) != (current.absolute, current.relative):
            source = current.source
            if not source.startswith("Clinic setting"):
                source = f"Clinic setting (default from: {source})"
            result[measure] = replace(current, absolute=absolute, relative=relative, source=source)
    errors.raise_if_any()
    return result


def _overridden_values(
    measure: str,
    current: Threshold,
    fields: Mapping[str, float | None],
    errors: Collector,
) -> tuple[float, float | None]:
    """(absolute, relative) of ``current`` with one measure's overrides applied; a bad value is
    reported to ``errors`` (keyed ``"<measure>.<field>"``) and leaves the current value."""
    absolute = current.absolute
    relative = current.relative
    for name, value in fields.items():
        field = f"{measure}.{name}"
        if name not in _OVERRIDABLE:
            errors.add(field, "Only 'absolute' and 'relative' can be changed.")
        elif name == "absolute":
            if is_number(value) and value > 0:
                absolute = float(value)
            else:
                errors.add(field, f"Must be a number above 0 {current.unit}, got {value!r}.")
        elif value is None:
            relative = None
        elif is_number(value) and 0 < value < 1:
            relative = float(value)
        else:
            errors.add(
                field,
                f"Must be a fraction between 0 and 1 (0.3 = 30%) or empty, got {value!r}.",
            )
    return absolute, relative
