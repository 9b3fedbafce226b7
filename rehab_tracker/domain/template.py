"""Program templates (phases, exercises, dosage per intensity): their file form and its rules.

A template is parsed from an already-loaded dict (``resources/templates/*.json`` or a clinic's
edited copy) by :func:`parse_template`, which reports every problem at once, and written back
by :func:`template_to_dict`. Laying a template out in dates is
:func:`rehab_tracker.domain.schedule.plan_schedule`. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from rehab_tracker.domain.dosage import (
    Dosage,
    dosage_errors,
    dosage_to_dict,
    infer_dosage_type,
)
from rehab_tracker.domain.errors import Collector, ValidationError
from rehab_tracker.domain.library import SLUG_RE
from rehab_tracker.domain.numbers import is_int

SCHEMA_VERSION: Final = 1
REQUIRED_VARIANTS: Final = ("high", "low")


@dataclass(frozen=True, slots=True)
class TemplateItem:
    """One exercise of a phase with its dose for each intensity variant."""

    exercise_code: str
    dosage: tuple[tuple[str, Dosage], ...]
    note: str | None = None

    def dosage_for(self, intensity: str) -> Dosage:
        for code, dose in self.dosage:
            if code == intensity:
                return dose
        raise KeyError(f"{self.exercise_code!r} has no dose for intensity {intensity!r}")


@dataclass(frozen=True, slots=True)
class PhaseSpec:
    """A block of consecutive program weeks with its goals and exercises."""

    code: str
    name: str
    first_week: int
    last_week: int
    goals: tuple[str, ...]
    items: tuple[TemplateItem, ...]

    @property
    def weeks(self) -> range:
        return range(self.first_week, self.last_week + 1)

    @property
    def exercise_codes(self) -> tuple[str, ...]:
        return tuple(item.exercise_code for item in self.items)


@dataclass(frozen=True, slots=True)
class VariantSpec:
    """An intensity variant (``high`` or ``low``, clinics may add more)."""

    code: str
    name: str
    description: str
    progression_note: str


@dataclass(frozen=True, slots=True)
class AssessmentSpec:
    """An outcome assessment due in a program week (0 = baseline, before the first session)."""

    code: str
    name: str
    week: int


@dataclass(frozen=True, slots=True)
class ProgramTemplate:
    code: str
    name: str
    version: int
    description: str
    sources: tuple[str, ...]
    dosage_note: str
    weeks: int
    sessions_per_week: int
    start_weeks_min: int
    start_weeks_max: int
    education_session: bool
    exercise_start_days_min: int
    exercise_start_days_max: int
    variants: tuple[VariantSpec, ...]
    phases: tuple[PhaseSpec, ...]
    assessments: tuple[AssessmentSpec, ...]

    @property
    def total_sessions(self) -> int:
        return self.weeks * self.sessions_per_week

    @property
    def variant_codes(self) -> tuple[str, ...]:
        return tuple(v.code for v in self.variants)

    def phase(self, code: str) -> PhaseSpec:
        for phase in self.phases:
            if phase.code == code:
                return phase
        raise KeyError(f"template {self.code!r} has no phase {code!r}")

    def exercise_codes(self) -> frozenset[str]:
        return frozenset(code for phase in self.phases for code in phase.exercise_codes)


# ------------------------------------------------------------------------------------- parsing

_TEMPLATE_KEYS: Final = frozenset(
    {
        "schema_version",
        "code",
        "name",
        "version",
        "description",
        "sources",
        "dosage_note",
        "weeks",
        "sessions_per_week",
        "start_weeks_after_surgery",
        "exercise_start_days_after_education",
        "education_session",
        "variants",
        "phases",
        "assessments",
    }
)


def _text(d: Mapping[str, Any], key: str, col: Collector, field: str, who: str) -> str:
    value = d.get(key)
    if not isinstance(value, str) or not value.strip():
        col.add(field, f"{who}: {key} must be a non-empty text.")
        return ""
    return value.strip()


def _texts(d: Mapping[str, Any], key: str, col: Collector, field: str, who: str) -> tuple[str, ...]:
    value = d.get(key)
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        col.add(field, f"{who}: {key} must be a non-empty list of texts.")
        return ()
    return tuple(v.strip() for v in value)


def _slug(d: Mapping[str, Any], col: Collector, field: str, who: str) -> str:
    code = d.get("code")
    if not isinstance(code, str) or SLUG_RE.fullmatch(code) is None:
        col.add(field, f"{who}: code must be lower-case letters and digits joined by '_' or '-'.")
        return ""
    return code


def _int_range(
    d: Mapping[str, Any], key: str, col: Collector, who: str, *, low: int, high: int
) -> tuple[int, int]:
    value = d.get(key)
    if (
        isinstance(value, Mapping)
        and is_int(value.get("min"))
        and is_int(value.get("max"))
        and low <= value["min"] <= value["max"] <= high
    ):
        return int(value["min"]), int(value["max"])
    col.add(key, f"{who}: {key} must be {{'min': n, 'max': m}} with {low} <= min <= max <= {high}.")
    return low, low


def _entries(
    raw: object, field: str, noun: str, col: Collector, who: str
) -> Iterator[tuple[str, int, Mapping[str, Any]]]:
    """The objects of a list field as (key, index, object), e.g. ``("phases[0]", 0, {...})``.

    A field that is not a non-empty list, and an entry that is not an object, is an error (added
    as the entries are read, so errors keep the file's order) and yields nothing.
    """
    if not isinstance(raw, list) or not raw:
        col.add(field, f"{who}: {field} must be a non-empty list.")
        return
    for i, item in enumerate(raw):
        key = f"{field}[{i}]"
        if not isinstance(item, Mapping):
            col.add(key, f"{who}: each {noun} must be an object.")
            continue
        yield key, i, item


def _parse_variants(raw: object, col: Collector, who: str) -> tuple[VariantSpec, ...]:
    out: list[VariantSpec] = []
    for key, _i, item in _entries(raw, "variants", "variant", col, who):
        code = _slug(item, col, f"{key}.code", who)
        name = _text(item, "name", col, f"{key}.name", who)
        description = _text(item, "description", col, f"{key}.description", who)
        note = _text(item, "progression_note", col, f"{key}.progression_note", who)
        if code:
            if any(v.code == code for v in out):
                col.add(f"{key}.code", f"{who}: variant {code!r} appears twice.")
            out.append(VariantSpec(code, name, description, note))
    codes = {v.code for v in out}
    missing = [c for c in REQUIRED_VARIANTS if c not in codes]
    if missing and "variants" not in col.errors:
        col.add("variants", f"{who}: both 'high' and 'low' variants are needed; missing {missing}.")
    return tuple(out)


def _parse_item(
    raw: object,
    key: str,
    col: Collector,
    who: str,
    variants: Sequence[str],
    exercises: Collection[str] | Mapping[str, str],
) -> TemplateItem | None:
    """One exercise of a phase with a dose for every variant; None (and errors) when not."""
    code = _item_exercise(raw, key, col, who, exercises)
    if code is None:
        return None
    assert isinstance(raw, Mapping)
    expected_type = exercises[code] if isinstance(exercises, Mapping) else None
    item_who = f"{who}, {code}"
    doses = raw.get("dosage")
    if not isinstance(doses, Mapping):
        col.add(f"{key}.dosage", f"{item_who}: dosage must map each variant to a dose.")
        return None
    out = _item_doses(doses, key, col, item_who, variants, expected_type)
    note = _item_note(raw, key, col, item_who)
    if len(out) != len(variants):
        return None
    return TemplateItem(code, tuple(out), note)


def _item_exercise(
    raw: object,
    key: str,
    col: Collector,
    who: str,
    exercises: Collection[str] | Mapping[str, str],
) -> str | None:
    """The item's exercise code when the item is an object naming a library exercise."""
    if not isinstance(raw, Mapping):
        col.add(key, f"{who}: each item must be an object with 'exercise' and 'dosage'.")
        return None
    code = raw.get("exercise")
    if not isinstance(code, str) or code not in exercises:
        col.add(
            f"{key}.exercise",
            f"{who}: exercise {code!r} is not in the exercise library.",
        )
        return None
    return code


def _item_doses(
    doses: Mapping[str, Any],
    key: str,
    col: Collector,
    item_who: str,
    variants: Sequence[str],
    expected_type: str | None,
) -> list[tuple[str, Dosage]]:
    """The valid dose of each variant; a variant missing, one not in the template, or doses of
    different types are errors. Without the exercise's type it is inferred from each dose."""
    out: list[tuple[str, Dosage]] = []
    types: set[str] = set()
    for variant in variants:
        if variant not in doses:
            col.add(f"{key}.dosage.{variant}", f"{item_who}: no dose for variant {variant!r}.")
            continue
        dose_dict = doses[variant]
        dose_type = expected_type
        if dose_type is None and isinstance(dose_dict, Mapping):
            dose_type = infer_dosage_type(dose_dict)
        dosage, errors = dosage_errors(
            dose_dict, dose_type, prefix=f"{key}.dosage.{variant}.", who=f"{item_who}, {variant}"
        )
        col.add_all(errors)
        if dosage is not None:
            out.append((variant, dosage))
            types.add(dosage.dosage_type)
    extra = sorted(str(k) for k in doses if k not in variants)
    if extra:
        col.add(f"{key}.dosage.{extra[0]}", f"{item_who}: dose for unknown variant(s) {extra}.")
    if len(types) > 1:
        col.add(f"{key}.dosage", f"{item_who}: the variants use different dosage types {types}.")
    return out


def _item_note(raw: Mapping[str, Any], key: str, col: Collector, item_who: str) -> str | None:
    """The item's note, stripped; None when there is none (a blank or non-text one is an
    error)."""
    note = raw.get("note")
    if note is None:
        return None
    if not isinstance(note, str) or not note.strip():
        col.add(f"{key}.note", f"{item_who}: note must be a text or null.")
        return None
    return note.strip()


def _parse_phases(
    raw: object,
    col: Collector,
    who: str,
    weeks: int,
    variants: Sequence[str],
    exercises: Collection[str] | Mapping[str, str],
) -> tuple[PhaseSpec, ...]:
    """The phases, sorted by first week; together they must tile weeks 1..``weeks`` exactly."""
    out: list[PhaseSpec] = []
    for key, i, item in _entries(raw, "phases", "phase", col, who):
        phase = _parse_phase(item, key, i, col, who, variants, exercises)
        if phase is None:
            continue
        if any(p.code == phase.code for p in out):
            col.add(f"{key}.code", f"{who}, phase {phase.code}: the phase code is used twice.")
        if phase.first_week:
            out.append(phase)
    if not any(k.startswith("phases") for k in col.errors):
        _check_phases_tile(out, col, who, weeks)
    return tuple(sorted(out, key=lambda p: p.first_week))


def _parse_phase(
    item: Mapping[str, Any],
    key: str,
    index: int,
    col: Collector,
    who: str,
    variants: Sequence[str],
    exercises: Collection[str] | Mapping[str, str],
) -> PhaseSpec | None:
    """One phase (its weeks 0 when they are invalid); None when it has no valid code."""
    code = _slug(item, col, f"{key}.code", who)
    phase_who = f"{who}, phase {code or index}"
    name = _text(item, "name", col, f"{key}.name", phase_who)
    goals = _texts(item, "goals", col, f"{key}.goals", phase_who)
    first, last = _week_span(item.get("weeks"), key, col, phase_who)
    items = _phase_items(item.get("items"), key, col, phase_who, variants, exercises)
    if not code:
        return None
    return PhaseSpec(code, name, first, last, goals, items)


def _week_span(span: object, key: str, col: Collector, phase_who: str) -> tuple[int, int]:
    """A phase's ``{"first": a, "last": b}`` weeks; (0, 0) and an error when invalid."""
    if (
        isinstance(span, Mapping)
        and is_int(span.get("first"))
        and is_int(span.get("last"))
        and 1 <= span["first"] <= span["last"]
    ):
        return int(span["first"]), int(span["last"])
    col.add(
        f"{key}.weeks",
        f"{phase_who}: weeks must be {{'first': a, 'last': b}} with 1 <= a <= b.",
    )
    return 0, 0


def _phase_items(
    raw_items: object,
    key: str,
    col: Collector,
    phase_who: str,
    variants: Sequence[str],
    exercises: Collection[str] | Mapping[str, str],
) -> tuple[TemplateItem, ...]:
    """A phase's exercises: at least one, none listed twice."""
    items: list[TemplateItem] = []
    if not isinstance(raw_items, list) or not raw_items:
        col.add(f"{key}.items", f"{phase_who}: a phase needs at least one exercise.")
        return ()
    for j, raw_item in enumerate(raw_items):
        parsed = _parse_item(raw_item, f"{key}.items[{j}]", col, phase_who, variants, exercises)
        if parsed is None:
            continue
        if any(x.exercise_code == parsed.exercise_code for x in items):
            col.add(
                f"{key}.items[{j}].exercise",
                f"{phase_who}: exercise {parsed.exercise_code!r} is listed twice.",
            )
            continue
        items.append(parsed)
    return tuple(items)


def _check_phases_tile(phases: list[PhaseSpec], col: Collector, who: str, weeks: int) -> None:
    """Sorted by first week, the phases must tile weeks 1..``weeks`` exactly."""
    expected = 1
    for phase in sorted(phases, key=lambda p: p.first_week):
        if phase.first_week > expected:
            col.add(
                "phases",
                f"{who}: no phase covers week {expected} (gap before phase {phase.code!r}).",
            )
            return
        if phase.first_week < expected:
            col.add(
                "phases",
                f"{who}: phase {phase.code!r} overlaps the previous phase in week "
                f"{phase.first_week}.",
            )
            return
        expected = phase.last_week + 1
    if expected - 1 != weeks:
        col.add(
            "phases",
            f"{who}: the phases cover weeks 1-{expected - 1} but the program has {weeks} weeks.",
        )


def _parse_assessments(
    raw: object, col: Collector, who: str, weeks: int
) -> tuple[AssessmentSpec, ...]:
    out: list[AssessmentSpec] = []
    for key, _i, item in _entries(raw, "assessments", "assessment", col, who):
        code = _slug(item, col, f"{key}.code", who)
        name = _text(item, "name", col, f"{key}.name", who)
        week = item.get("week")
        if not is_int(week) or not 0 <= week <= weeks:
            col.add(f"{key}.week", f"{who}: assessment week must be a whole number 0-{weeks}.")
            continue
        if code and any(a.code == code for a in out):
            col.add(f"{key}.code", f"{who}: assessment {code!r} appears twice.")
            continue
        if code:
            out.append(AssessmentSpec(code, name, int(week)))
    return tuple(sorted(out, key=lambda a: a.week))


def parse_template(
    d: Mapping[str, Any], exercise_codes: Collection[str] | Mapping[str, str]
) -> ProgramTemplate:
    """Validate a template dict against the exercise library.

    ``exercise_codes`` is the set of known exercise codes, or a mapping code -> dosage type (then
    each dose is checked against its exercise's type too). Raises :class:`ValidationError` with
    every problem: unknown exercises, phases with gaps or overlaps or not ending at ``weeks``, a
    missing ``high`` or ``low`` variant, a dose missing for a variant, bad numbers.
    """
    if not isinstance(d, Mapping):
        raise ValidationError.single("template", "a program template must be a JSON object.")
    if d.get("schema_version", SCHEMA_VERSION) != SCHEMA_VERSION:
        raise ValidationError.single(
            "schema_version",
            f"template schema_version {d.get('schema_version')!r} is not supported "
            f"(this version of the app reads {SCHEMA_VERSION}).",
        )
    col = Collector()
    code = _slug(d, col, "code", "template")
    who = f"template {code!r}" if code else "template"
    unknown = sorted(str(k) for k in d if k not in _TEMPLATE_KEYS)
    if unknown:
        col.add(unknown[0], f"{who}: unknown field(s): {', '.join(unknown)}.")
    name = _text(d, "name", col, "name", who)
    description = _text(d, "description", col, "description", who)
    dosage_note = _text(d, "dosage_note", col, "dosage_note", who)
    sources = _texts(d, "sources", col, "sources", who)
    version = d.get("version")
    if not is_int(version) or version < 1:
        col.add("version", f"{who}: version must be a whole number of 1 or more.")
        version = 1
    weeks = d.get("weeks")
    if not is_int(weeks) or not 1 <= weeks <= 52:
        col.add("weeks", f"{who}: weeks must be a whole number from 1 to 52.")
        weeks = 0
    per_week = d.get("sessions_per_week")
    if not is_int(per_week) or not 1 <= per_week <= 7:
        col.add("sessions_per_week", f"{who}: sessions_per_week must be a whole number 1-7.")
        per_week = 1
    start_min, start_max = _int_range(d, "start_weeks_after_surgery", col, who, low=0, high=52)
    days_min, days_max = _int_range(
        d, "exercise_start_days_after_education", col, who, low=0, high=14
    )
    education = d.get("education_session")
    if not isinstance(education, bool):
        col.add("education_session", f"{who}: education_session must be true or false.")
        education = False
    variants = _parse_variants(d.get("variants"), col, who)
    variant_codes = [v.code for v in variants]
    phases: tuple[PhaseSpec, ...] = ()
    assessments: tuple[AssessmentSpec, ...] = ()
    if weeks:
        phases = _parse_phases(d.get("phases"), col, who, weeks, variant_codes, exercise_codes)
        assessments = _parse_assessments(d.get("assessments"), col, who, weeks)
    col.raise_if_any()
    assert isinstance(version, int) and isinstance(weeks, int) and isinstance(per_week, int)
    return ProgramTemplate(
        code=code,
        name=name,
        version=version,
        description=description,
        sources=sources,
        dosage_note=dosage_note,
        weeks=weeks,
        sessions_per_week=per_week,
        start_weeks_min=start_min,
        start_weeks_max=start_max,
        education_session=education,
        exercise_start_days_min=days_min,
        exercise_start_days_max=days_max,
        variants=variants,
        phases=phases,
        assessments=assessments,
    )


def template_to_dict(t: ProgramTemplate) -> dict[str, Any]:
    """The file form of a template; ``parse_template(template_to_dict(t), codes) == t``."""
    return {
        "schema_version": SCHEMA_VERSION,
        "code": t.code,
        "name": t.name,
        "version": t.version,
        "description": t.description,
        "sources": list(t.sources),
        "dosage_note": t.dosage_note,
        "weeks": t.weeks,
        "sessions_per_week": t.sessions_per_week,
        "start_weeks_after_surgery": {"min": t.start_weeks_min, "max": t.start_weeks_max},
        "exercise_start_days_after_education": {
            "min": t.exercise_start_days_min,
            "max": t.exercise_start_days_max,
        },
        "education_session": t.education_session,
        "variants": [
            {
                "code": v.code,
                "name": v.name,
                "description": v.description,
                "progression_note": v.progression_note,
            }
            for v in t.variants
        ],
        "assessments": [{"code": a.code, "name": a.name, "week": a.week} for a in t.assessments],
        "phases": [
            {
                "code": p.code,
                "name": p.name,
                "weeks": {"first": p.first_week, "last": p.last_week},
                "goals": list(p.goals),
                "items": [
                    {
                        "exercise": item.exercise_code,
                        "dosage": {v: dosage_to_dict(dose) for v, dose in item.dosage},
                        "note": item.note,
                    }
                    for item in p.items
                ],
            }
            for p in t.phases
        ],
    }


# ---------------------------------------------------------------------------------- queries


def phase_for_week(template: ProgramTemplate, week: int) -> PhaseSpec:
    """The phase covering program week ``week`` (1..template.weeks); ValueError outside."""
    for phase in template.phases:
        if phase.first_week <= week <= phase.last_week:
            return phase
    raise ValueError(
        f"week {week} is outside template {template.code!r} (weeks 1-{template.weeks})"
    )


def phase_names(templates: Iterable[ProgramTemplate]) -> dict[str, str]:
    """Phase code -> the name its template gives it (the first template naming a code wins):
    the one name a phase is shown by, on screen, in charts and in reports."""
    names: dict[str, str] = {}
    for template in templates:
        for phase in template.phases:
            names.setdefault(phase.code, phase.name)
    return names


def phase_display_name(code: str, names: Mapping[str, str]) -> str:
    """How a phase code is shown: its template's name; a code no template names (a clinic's
    own), in words (``"return_to_work"`` -> ``"Return to work"``)."""
    return names.get(code) or code.replace("_", " ").strip().capitalize()
