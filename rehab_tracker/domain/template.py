"""Program templates (phases, exercises, dosage per intensity) and laying a program out in dates.

A template is parsed from an already-loaded dict (``resources/templates/*.json`` or a clinic's
edited copy). :func:`plan_schedule` turns a template, an intensity and dates into the concrete
calendar: the education session, the numbered exercise sessions, the phases' dates and the
assessment dates. Pure: no clock (``today`` is passed in), no I/O.

Program weeks count from the first exercise session: week 1 is the seven days starting that day.
With three distinct training weekdays every such week holds exactly three sessions.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final, TypeGuard

from rehab_tracker.domain.dosage import (
    Dosage,
    dosage_errors,
    dosage_to_dict,
    infer_dosage_type,
)
from rehab_tracker.domain.errors import Collector, ValidationError
from rehab_tracker.domain.library import SLUG_RE
from rehab_tracker.domain.weeks import program_week

SCHEMA_VERSION: Final = 1
REQUIRED_VARIANTS: Final = ("high", "low")
DEFAULT_WEEKDAYS: Final = (0, 2, 4)  # Monday, Wednesday, Friday
WEEKDAY_NAMES: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


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


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


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
        and _is_int(value.get("min"))
        and _is_int(value.get("max"))
        and low <= value["min"] <= value["max"] <= high
    ):
        return int(value["min"]), int(value["max"])
    col.add(key, f"{who}: {key} must be {{'min': n, 'max': m}} with {low} <= min <= max <= {high}.")
    return low, low


def _parse_variants(raw: object, col: Collector, who: str) -> tuple[VariantSpec, ...]:
    if not isinstance(raw, list) or not raw:
        col.add("variants", f"{who}: variants must be a non-empty list.")
        return ()
    out: list[VariantSpec] = []
    for i, item in enumerate(raw):
        key = f"variants[{i}]"
        if not isinstance(item, Mapping):
            col.add(key, f"{who}: each variant must be an object.")
            continue
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
    expected_type = exercises[code] if isinstance(exercises, Mapping) else None
    item_who = f"{who}, {code}"
    doses = raw.get("dosage")
    if not isinstance(doses, Mapping):
        col.add(f"{key}.dosage", f"{item_who}: dosage must map each variant to a dose.")
        return None
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
        for k, message in errors.items():
            col.add(k, message)
        if dosage is not None:
            out.append((variant, dosage))
            types.add(dosage.dosage_type)
    extra = sorted(str(k) for k in doses if k not in variants)
    if extra:
        col.add(f"{key}.dosage.{extra[0]}", f"{item_who}: dose for unknown variant(s) {extra}.")
    if len(types) > 1:
        col.add(f"{key}.dosage", f"{item_who}: the variants use different dosage types {types}.")
    note = raw.get("note")
    if note is not None and (not isinstance(note, str) or not note.strip()):
        col.add(f"{key}.note", f"{item_who}: note must be a text or null.")
        note = None
    if len(out) != len(variants):
        return None
    return TemplateItem(code, tuple(out), note.strip() if isinstance(note, str) else None)


def _parse_phases(
    raw: object,
    col: Collector,
    who: str,
    weeks: int,
    variants: Sequence[str],
    exercises: Collection[str] | Mapping[str, str],
) -> tuple[PhaseSpec, ...]:
    if not isinstance(raw, list) or not raw:
        col.add("phases", f"{who}: phases must be a non-empty list.")
        return ()
    out: list[PhaseSpec] = []
    for i, item in enumerate(raw):
        key = f"phases[{i}]"
        if not isinstance(item, Mapping):
            col.add(key, f"{who}: each phase must be an object.")
            continue
        code = _slug(item, col, f"{key}.code", who)
        phase_who = f"{who}, phase {code or i}"
        name = _text(item, "name", col, f"{key}.name", phase_who)
        goals = _texts(item, "goals", col, f"{key}.goals", phase_who)
        span = item.get("weeks")
        first = last = 0
        if (
            isinstance(span, Mapping)
            and _is_int(span.get("first"))
            and _is_int(span.get("last"))
            and 1 <= span["first"] <= span["last"]
        ):
            first, last = int(span["first"]), int(span["last"])
        else:
            col.add(
                f"{key}.weeks",
                f"{phase_who}: weeks must be {{'first': a, 'last': b}} with 1 <= a <= b.",
            )
        raw_items = item.get("items")
        items: list[TemplateItem] = []
        if not isinstance(raw_items, list) or not raw_items:
            col.add(f"{key}.items", f"{phase_who}: a phase needs at least one exercise.")
        else:
            for j, raw_item in enumerate(raw_items):
                parsed = _parse_item(
                    raw_item, f"{key}.items[{j}]", col, phase_who, variants, exercises
                )
                if parsed is None:
                    continue
                if any(x.exercise_code == parsed.exercise_code for x in items):
                    col.add(
                        f"{key}.items[{j}].exercise",
                        f"{phase_who}: exercise {parsed.exercise_code!r} is listed twice.",
                    )
                    continue
                items.append(parsed)
        if code and any(p.code == code for p in out):
            col.add(f"{key}.code", f"{phase_who}: the phase code is used twice.")
        if code and first:
            out.append(PhaseSpec(code, name, first, last, goals, tuple(items)))

    # Contiguity: sorted by first week, the phases must tile weeks 1..N exactly.
    if not any(k.startswith("phases") for k in col.errors):
        expected = 1
        for phase in sorted(out, key=lambda p: p.first_week):
            if phase.first_week > expected:
                col.add(
                    "phases",
                    f"{who}: no phase covers week {expected} (gap before phase {phase.code!r}).",
                )
                break
            if phase.first_week < expected:
                col.add(
                    "phases",
                    f"{who}: phase {phase.code!r} overlaps the previous phase in week "
                    f"{phase.first_week}.",
                )
                break
            expected = phase.last_week + 1
        else:
            if expected - 1 != weeks:
                col.add(
                    "phases",
                    f"{who}: the phases cover weeks 1-{expected - 1} but the program has "
                    f"{weeks} weeks.",
                )
    return tuple(sorted(out, key=lambda p: p.first_week))


def _parse_assessments(
    raw: object, col: Collector, who: str, weeks: int
) -> tuple[AssessmentSpec, ...]:
    if not isinstance(raw, list) or not raw:
        col.add("assessments", f"{who}: assessments must be a non-empty list.")
        return ()
    out: list[AssessmentSpec] = []
    for i, item in enumerate(raw):
        key = f"assessments[{i}]"
        if not isinstance(item, Mapping):
            col.add(key, f"{who}: each assessment must be an object.")
            continue
        code = _slug(item, col, f"{key}.code", who)
        name = _text(item, "name", col, f"{key}.name", who)
        week = item.get("week")
        if not _is_int(week) or not 0 <= week <= weeks:
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
    if not _is_int(version) or version < 1:
        col.add("version", f"{who}: version must be a whole number of 1 or more.")
        version = 1
    weeks = d.get("weeks")
    if not _is_int(weeks) or not 1 <= weeks <= 52:
        col.add("weeks", f"{who}: weeks must be a whole number from 1 to 52.")
        weeks = 0
    per_week = d.get("sessions_per_week")
    if not _is_int(per_week) or not 1 <= per_week <= 7:
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


# ----------------------------------------------------------------------------- weeks and phases


def phase_for_week(template: ProgramTemplate, week: int) -> PhaseSpec:
    """The phase covering program week ``week`` (1..template.weeks); ValueError outside."""
    for phase in template.phases:
        if phase.first_week <= week <= phase.last_week:
            return phase
    raise ValueError(
        f"week {week} is outside template {template.code!r} (weeks 1-{template.weeks})"
    )


def suggest_start_date(surgery_date: date | None, today: date, *, weeks_after: int = 4) -> date:
    """Suggested program start (the education day): the first Monday at or after
    ``surgery_date + weeks_after`` weeks, and not before ``today``.

    Without a surgery date (conservative pathway) it is the first Monday at or after today.
    """
    earliest = (
        today if surgery_date is None else max(surgery_date + timedelta(weeks=weeks_after), today)
    )
    return earliest + timedelta(days=(7 - earliest.weekday()) % 7)


# ------------------------------------------------------------------------------------- planning


@dataclass(frozen=True, slots=True)
class PlannedSession:
    """One planned visit: the education session (number 0, week 0) or exercise session 1..N."""

    number: int
    date: date
    week: int
    kind: str  # "education" or "exercise"
    phase_code: str | None


@dataclass(frozen=True, slots=True)
class PlannedPhase:
    code: str
    name: str
    first_week: int
    last_week: int
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class PlannedAssessment:
    """An assessment with the date it is due and the window in which it counts as on time."""

    code: str
    name: str
    week: int
    due: date
    window_start: date
    window_end: date


@dataclass(frozen=True, slots=True)
class PlannedProgram:
    template_code: str
    template_version: int
    intensity: str
    surgery_date: date | None
    start_date: date
    weekdays: tuple[int, ...]
    education: PlannedSession | None
    sessions: tuple[PlannedSession, ...]
    phases: tuple[PlannedPhase, ...]
    assessments: tuple[PlannedAssessment, ...]
    warnings: tuple[str, ...]
    early_start_reason: str | None

    @property
    def exercise_start(self) -> date:
        return self.sessions[0].date

    @property
    def end_date(self) -> date:
        return self.sessions[-1].date

    def week_on(self, day: date) -> int:
        """Program week of ``day``: 0 before the first exercise session, then 1, 2, ..."""
        week = program_week(self.exercise_start, day)
        assert week is not None
        return week


def _weekday_text(weekdays: Sequence[int]) -> str:
    return "/".join(WEEKDAY_NAMES[d] for d in sorted(weekdays))


def plan_schedule(
    template: ProgramTemplate,
    intensity: str,
    surgery_date: date | None,
    start_date: date,
    *,
    today: date,
    early_start_reason: str | None = None,
    weekdays: Sequence[int] = DEFAULT_WEEKDAYS,
) -> PlannedProgram:
    """Lay the program out in dates.

    ``start_date`` is the program start: the education session's day (when the template has
    one). Exercise session 1 is the first training weekday at least
    ``exercise_start_days_min`` days later (a warning says so when the weekdays push it past
    ``exercise_start_days_max``). Then ``sessions_per_week`` sessions a week on ``weekdays`` for
    ``weeks`` weeks.

    Rules (after surgery): ``start_date`` must not be before the surgery; starting earlier than
    ``start_weeks_min`` weeks after surgery is refused (field ``start_date``) unless
    ``early_start_reason`` gives a reason, which the plan then records; starting later than
    ``start_weeks_max`` weeks is allowed with a warning. The conservative pathway
    (``surgery_date`` None) has no such rule.
    """
    col = Collector()
    if intensity not in template.variant_codes:
        col.add(
            "intensity",
            f"Intensity must be one of {', '.join(template.variant_codes)} (got {intensity!r}).",
        )
    days = tuple(weekdays)
    if (
        len(set(days)) != len(days)
        or len(days) != template.sessions_per_week
        or not all(_is_int(d) and 0 <= d <= 6 for d in days)
    ):
        col.add(
            "weekdays",
            f"Choose {template.sessions_per_week} different training weekdays "
            "(0 = Monday ... 6 = Sunday).",
        )
    warnings: list[str] = []
    reason = early_start_reason.strip() if early_start_reason else ""
    recorded_reason: str | None = None
    if surgery_date is not None:
        earliest = surgery_date + timedelta(weeks=template.start_weeks_min)
        latest = surgery_date + timedelta(weeks=template.start_weeks_max)
        if surgery_date > today:
            warnings.append(
                f"The surgery date {surgery_date.isoformat()} is after today; the plan assumes "
                "the surgery goes ahead on that day."
            )
        if start_date < surgery_date:
            col.add("start_date", "The program cannot start before the surgery date.")
        elif start_date < earliest:
            if reason:
                recorded_reason = reason
            else:
                col.add(
                    "start_date",
                    f"The program starts {(start_date - surgery_date).days} days after surgery, "
                    f"before the usual {template.start_weeks_min} weeks "
                    f"(earliest {earliest.isoformat()}). Give a reason to start early.",
                )
        elif start_date > latest:
            warnings.append(
                f"The program starts {(start_date - surgery_date).days} days after surgery, later "
                f"than the usual {template.start_weeks_min}-{template.start_weeks_max} weeks."
            )
    col.raise_if_any()

    education: PlannedSession | None = None
    if template.education_session:
        education = PlannedSession(0, start_date, 0, "education", None)
        first = start_date + timedelta(days=template.exercise_start_days_min)
    else:
        first = start_date
    while first.weekday() not in days:
        first += timedelta(days=1)
    gap = (first - start_date).days
    if education is not None and gap > template.exercise_start_days_max:
        warnings.append(
            f"With training on {_weekday_text(days)} the first exercise session is {gap} days "
            f"after the education session (usual: {template.exercise_start_days_min}-"
            f"{template.exercise_start_days_max} days)."
        )

    sessions: list[PlannedSession] = []
    for week in range(1, template.weeks + 1):
        week_start = first + timedelta(weeks=week - 1)
        phase_code = phase_for_week(template, week).code
        for offset in range(7):
            day = week_start + timedelta(days=offset)
            if day.weekday() in days:
                sessions.append(
                    PlannedSession(len(sessions) + 1, day, week, "exercise", phase_code)
                )

    phases = tuple(
        PlannedPhase(
            code=p.code,
            name=p.name,
            first_week=p.first_week,
            last_week=p.last_week,
            start=min(s.date for s in sessions if s.week == p.first_week),
            end=max(s.date for s in sessions if s.week == p.last_week),
        )
        for p in template.phases
    )

    assessments: list[PlannedAssessment] = []
    for a in template.assessments:
        if a.week == 0:
            due, window_start, window_end = start_date, start_date, first
        else:
            in_week = [s.date for s in sessions if s.week == a.week]
            due = max(in_week)
            window_start = first + timedelta(weeks=a.week - 1)
            window_end = window_start + timedelta(days=6)
            if a.week == template.weeks:
                window_end += timedelta(days=7)  # an end-of-program test may follow the last visit
        assessments.append(PlannedAssessment(a.code, a.name, a.week, due, window_start, window_end))

    if start_date < today:
        warnings.append(
            f"The program start {start_date.isoformat()} is in the past; earlier sessions are "
            "planned as if they had been scheduled then."
        )

    return PlannedProgram(
        template_code=template.code,
        template_version=template.version,
        intensity=intensity,
        surgery_date=surgery_date,
        start_date=start_date,
        weekdays=tuple(sorted(days)),
        education=education,
        sessions=tuple(sessions),
        phases=phases,
        assessments=tuple(assessments),
        warnings=tuple(warnings),
        early_start_reason=recorded_reason,
    )
