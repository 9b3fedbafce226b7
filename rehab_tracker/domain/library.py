"""The exercise library: what an exercise is, how it is dosed, how it progresses.

Pure parsing and validation of already-loaded dicts (``resources/exercises.json`` or a clinic's own
exercise edited in the GUI). Errors are :class:`ValidationError` whose keys name the field and whose
messages name the exercise code, so a broken file or form says exactly what to fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Final, TypeGuard

from rehab_tracker.domain.errors import Collector, ValidationError
from rehab_tracker.domain.units import format_duration, format_number

SCHEMA_VERSION: Final = 1

BODY_REGIONS: Final = ("back_extensors", "trunk", "lower_extremity", "endurance", "mobility")
DOSAGE_TYPES: Final = ("reps", "hold", "distance", "time")

EFFORT_MIN: Final = 0
EFFORT_MAX: Final = 10

#: A stable identifier: lower-case letters and digits, words joined by "_" or "-".
SLUG_RE: Final = re.compile(r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$")

# Which measured fields each dosage type requires, allows, and refuses.
_MEASURE_FIELDS: Final = ("reps_min", "reps_max", "hold_seconds", "distance_m", "duration_s")
_REQUIRED: Final[dict[str, tuple[str, ...]]] = {
    "reps": ("reps_min", "reps_max"),
    "hold": ("hold_seconds",),
    "distance": ("distance_m",),
    "time": ("duration_s",),
}
# Beyond the required ones; a hold may say how many holds make a set (reps_min/reps_max).
_OPTIONAL: Final[dict[str, tuple[str, ...]]] = {
    "reps": (),
    "hold": ("reps_min", "reps_max"),
    "distance": (),
    "time": (),
}
_LOAD_ALLOWED: Final = frozenset({"reps", "hold"})

# Which progression steps make sense for each dosage type.
_STEP_FIELDS: Final = (
    "load_step_kg",
    "reps_step",
    "hold_step_s",
    "distance_step_m",
    "duration_step_s",
)
_STEPS_ALLOWED: Final[dict[str, frozenset[str]]] = {
    "reps": frozenset({"load_step_kg", "reps_step"}),
    "hold": frozenset({"load_step_kg", "reps_step", "hold_step_s"}),
    "distance": frozenset({"distance_step_m"}),
    "time": frozenset({"duration_step_s"}),
}

_EXERCISE_KEYS: Final = frozenset(
    {
        "code",
        "name",
        "body_region",
        "equipment",
        "dosage_type",
        "instructions",
        "cautions",
        "default_dosage",
        "progression",
        "media",
    }
)
_DOSAGE_KEYS: Final = frozenset(
    {"dosage_type", "sets", *_MEASURE_FIELDS, "load_kg", "effort_target"}
)

MAX_NAME_LENGTH: Final = 80
MAX_TEXT_LENGTH: Final = 400


@dataclass(frozen=True, slots=True)
class Dosage:
    """How much of one exercise in one session.

    Only the fields that fit ``dosage_type`` are set: ``reps`` uses reps_min/reps_max; ``hold``
    uses hold_seconds (and optionally reps_min/reps_max holds per set); ``distance`` uses
    distance_m; ``time`` uses duration_s. ``load_kg`` is None for body weight or when the therapist
    sets it per patient; ``effort_target`` is a plain 0-10 effort number.
    """

    dosage_type: str
    sets: int
    reps_min: int | None = None
    reps_max: int | None = None
    hold_seconds: float | None = None
    distance_m: float | None = None
    duration_s: float | None = None
    load_kg: float | None = None
    effort_target: int | None = None

    def describe(self) -> str:
        """A short human-readable dose, e.g. ``3 x 8-12`` or ``2 x 6 x 10 s hold``."""
        return describe_dose(**dose_fields(self))


def dose_fields(dose: object) -> dict[str, Any]:
    """The :class:`Dosage` fields of ``dose`` (a Dosage, or anything that names its dose fields
    as Dosage does, e.g. progression.Prescription), as describe_dose's keywords."""
    return {name: getattr(dose, name) for name in DOSE_FIELDS}


def describe_dose(
    dosage_type: str,
    sets: int,
    *,
    reps_min: int | None = None,
    reps_max: int | None = None,
    hold_seconds: float | None = None,
    distance_m: float | None = None,
    duration_s: float | None = None,
    load_kg: float | None = None,
    effort_target: int | None = None,
) -> str:
    """The one short dose text (library defaults, prescriptions, progression suggestions):
    ``3 x 8-12 @ 20 kg``, ``2 x 6 x 10 s hold``, ``1 x 400 m``, ``1 x 10 min``, with
    ``, effort 5/10`` when an effort target is given. A load of 0 (body weight) is not shown;
    a missing number shows as ``?``."""
    reps = _range_text(reps_min, reps_max) if reps_min is not None else ""
    if dosage_type == "reps":
        text = f"{sets} x {reps or '?'}"
    elif dosage_type == "hold":
        hold = f"{_amount(hold_seconds)} s hold"
        text = f"{sets} x {reps} x {hold}" if reps else f"{sets} x {hold}"
    elif dosage_type == "distance":
        text = f"{sets} x {_amount(distance_m)} m"
    else:
        text = f"{sets} x {'?' if duration_s is None else format_duration(duration_s)}"
    if load_kg:
        text += f" @ {format_number(load_kg, 2)} kg"
    if effort_target is not None:
        text += f", effort {effort_target}/10"
    return text


#: the names of a dose's fields (Dosage's; progression.Prescription uses the same names)
DOSE_FIELDS: Final = tuple(f.name for f in fields(Dosage))


@dataclass(frozen=True, slots=True)
class ProgressionStep:
    """How to make the exercise harder once the current dose is done well.

    Each step is added when the therapist progresses the patient; ``None`` means that dimension
    does not progress. ``note`` says in plain words when and how.
    """

    note: str
    load_step_kg: float | None = None
    reps_step: int | None = None
    hold_step_s: float | None = None
    distance_step_m: float | None = None
    duration_step_s: float | None = None


@dataclass(frozen=True, slots=True)
class ExerciseSpec:
    """One exercise of the library."""

    code: str
    name: str
    body_region: str
    dosage_type: str
    equipment: tuple[str, ...]
    instructions: tuple[str, ...]
    cautions: tuple[str, ...]
    default_dosage: tuple[tuple[str, Dosage], ...]
    progression: ProgressionStep
    media: tuple[str, ...] = field(default=())

    def dosage_for(self, phase_code: str) -> Dosage | None:
        """The default dose for a phase, or None when the library gives none for it."""
        for code, dosage in self.default_dosage:
            if code == phase_code:
                return dosage
        return None

    @property
    def phases(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.default_dosage)


# --------------------------------------------------------------------------------------- helpers


def _amount(value: float | None) -> str:
    return "?" if value is None else format_number(value)


def _range_text(low: int | None, high: int | None) -> str:
    if low is None:
        return "?"
    if high is None or high == low:
        return str(low)
    return f"{low}-{high}"


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _label(code: object) -> str:
    return f"exercise {code!r}" if isinstance(code, str) and code else "exercise (no code)"


def is_http_url(text: str) -> bool:
    """True for an absolute http:// or https:// address with a host."""
    match = re.match(r"^(https?)://([^/\s?#]+)", text, flags=re.IGNORECASE)
    return match is not None and not any(ch.isspace() for ch in text)


def is_relative_media_path(text: str) -> bool:
    """A path inside the media folder: not absolute (``/x``, ``\\x``, ``C:x``), no ``..``.

    (Web addresses are told apart before this check.)
    """
    if not text or text.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", text):
        return False
    return ".." not in text.replace("\\", "/").split("/")


def _check_media(items: object, col: Collector, field_name: str, who: str) -> tuple[str, ...]:
    """Media are image paths (relative) or video/page URLs (http/https only)."""
    if not isinstance(items, list | tuple):
        col.add(field_name, f"{who}: {field_name} must be a list of paths or web addresses.")
        return ()
    out: list[str] = []
    for i, item in enumerate(items):
        key = f"{field_name}[{i}]"
        if not isinstance(item, str) or not item.strip():
            col.add(key, f"{who}: each media entry must be a non-empty text.")
            continue
        text = item.strip()
        if "://" in text or text.lower().startswith(("javascript:", "data:", "file:")):
            if not is_http_url(text):
                col.add(key, f"{who}: media address {text!r} must start with http:// or https://.")
                continue
        elif not is_relative_media_path(text):
            col.add(key, f"{who}: media path {text!r} must be relative, inside the media folder.")
            continue
        out.append(text)
    return tuple(out)


def _text_list(
    value: object, col: Collector, field_name: str, who: str, *, min_items: int
) -> tuple[str, ...]:
    if isinstance(value, str):
        # A form may hand over one text; one line is one step.
        value = [line for line in value.splitlines() if line.strip()]
    if not isinstance(value, list | tuple):
        col.add(field_name, f"{who}: {field_name} must be a list of texts.")
        return ()
    out: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            col.add(field_name, f"{who}: every entry of {field_name} must be a non-empty text.")
            return ()
        if len(item) > MAX_TEXT_LENGTH:
            col.add(
                field_name,
                f"{who}: each entry of {field_name} must be at most {MAX_TEXT_LENGTH} characters.",
            )
            return ()
        out.append(item.strip())
    if len(out) < min_items:
        needed = "one entry" if min_items == 1 else f"{min_items} entries"
        col.add(field_name, f"{who}: {field_name} needs at least {needed}.")
    return tuple(out)


# --------------------------------------------------------------------------------------- dosage


def infer_dosage_type(d: Mapping[str, Any]) -> str | None:
    """Guess the dosage type from which measured fields a dose dict fills (None if it can't)."""
    explicit = d.get("dosage_type")
    if isinstance(explicit, str):
        return explicit
    if d.get("hold_seconds") is not None:
        return "hold"
    if d.get("distance_m") is not None:
        return "distance"
    if d.get("duration_s") is not None:
        return "time"
    if d.get("reps_min") is not None or d.get("reps_max") is not None:
        return "reps"
    return None


def dosage_errors(
    d: object, dosage_type: str | None, *, prefix: str = "", who: str = "dosage"
) -> tuple[Dosage | None, dict[str, str]]:
    """Check one dose dict; return the Dosage (None when invalid) and the field errors.

    ``dosage_type`` None means: take it from the dict (``dosage_type`` key) or from which fields are
    filled. Field names in the errors are ``prefix + field`` so a caller can nest them.
    """
    col = Collector()
    if not isinstance(d, Mapping):
        col.add(prefix.rstrip(".") or "dosage", f"{who}: the dose must be an object.")
        return None, col.errors
    unknown = sorted(str(k) for k in d if k not in _DOSAGE_KEYS)
    if unknown:
        col.add(prefix + unknown[0], f"{who}: unknown dose field(s): {', '.join(unknown)}.")
    given_type = d.get("dosage_type")
    if dosage_type is None:
        dosage_type = infer_dosage_type(d)
        if dosage_type is None:
            col.add(
                prefix + "dosage_type",
                f"{who}: cannot tell the dosage type; give reps, hold_seconds, distance_m "
                "or duration_s.",
            )
            return None, col.errors
    elif given_type is not None and given_type != dosage_type:
        col.add(
            prefix + "dosage_type",
            f"{who}: dosage type {given_type!r} does not match the exercise's {dosage_type!r}.",
        )
    if dosage_type not in DOSAGE_TYPES:
        col.add(
            prefix + "dosage_type",
            f"{who}: dosage type must be one of {', '.join(DOSAGE_TYPES)} (got {dosage_type!r}).",
        )
        return None, col.errors

    sets = d.get("sets")
    if not isinstance(sets, int) or isinstance(sets, bool) or not 1 <= sets <= 20:
        col.add(prefix + "sets", f"{who}: sets must be a whole number from 1 to 20.")
        sets = 1

    required = _REQUIRED[dosage_type]
    allowed = set(required) | set(_OPTIONAL[dosage_type])
    values: dict[str, Any] = {}
    for name in _MEASURE_FIELDS:
        value = d.get(name)
        if value is None:
            if name in required:
                col.add(prefix + name, f"{who}: a {dosage_type!r} dose needs {name}.")
            continue
        if name not in allowed:
            col.add(
                prefix + name,
                f"{who}: {name} does not belong to a {dosage_type!r} dose; leave it out or null.",
            )
            continue
        if name in ("reps_min", "reps_max"):
            if not _is_int(value) or not 1 <= value <= 200:
                col.add(prefix + name, f"{who}: {name} must be a whole number from 1 to 200.")
                continue
        elif not _is_number(value) or value <= 0:
            col.add(prefix + name, f"{who}: {name} must be a number greater than 0.")
            continue
        values[name] = value
    reps_checked = prefix + "reps_min" in col.errors or prefix + "reps_max" in col.errors
    if ("reps_min" in values) != ("reps_max" in values) and not reps_checked:
        missing = "reps_max" if "reps_min" in values else "reps_min"
        col.add(prefix + missing, f"{who}: give both reps_min and reps_max, or neither.")
    if "reps_min" in values and "reps_max" in values and values["reps_min"] > values["reps_max"]:
        col.add(prefix + "reps_max", f"{who}: reps_max must not be less than reps_min.")

    load = d.get("load_kg")
    if load is not None:
        if dosage_type not in _LOAD_ALLOWED:
            col.add(prefix + "load_kg", f"{who}: a {dosage_type!r} dose has no load; use null.")
        elif not _is_number(load) or load < 0 or load > 500:
            col.add(prefix + "load_kg", f"{who}: load_kg must be a number from 0 to 500, or null.")

    effort = d.get("effort_target")
    if effort is not None and (not _is_int(effort) or not EFFORT_MIN <= effort <= EFFORT_MAX):
        col.add(
            prefix + "effort_target",
            f"{who}: effort_target must be a whole number from {EFFORT_MIN} to {EFFORT_MAX}.",
        )

    if col.errors:
        return None, col.errors
    return (
        Dosage(
            dosage_type=dosage_type,
            sets=sets,
            reps_min=values.get("reps_min"),
            reps_max=values.get("reps_max"),
            hold_seconds=values.get("hold_seconds"),
            distance_m=values.get("distance_m"),
            duration_s=values.get("duration_s"),
            load_kg=load,
            effort_target=effort,
        ),
        {},
    )


def parse_dosage(d: Mapping[str, Any], dosage_type: str | None = None) -> Dosage:
    """One dose dict to a :class:`Dosage`; raises :class:`ValidationError`."""
    dosage, errors = dosage_errors(d, dosage_type)
    if dosage is None:
        raise ValidationError(errors)
    return dosage


def dosage_to_dict(dosage: Dosage, *, include_type: bool = False) -> dict[str, Any]:
    """The file form of a dose: only the fields its type uses (plus load and effort)."""
    out: dict[str, Any] = {}
    if include_type:
        out["dosage_type"] = dosage.dosage_type
    out["sets"] = dosage.sets
    for name in _MEASURE_FIELDS:
        value = getattr(dosage, name)
        if value is not None:
            out[name] = value
    if dosage.dosage_type in _LOAD_ALLOWED:
        out["load_kg"] = dosage.load_kg
    out["effort_target"] = dosage.effort_target
    return out


# ------------------------------------------------------------------------------------ exercise


def exercise_field_errors(
    *,
    code: object,
    name: object,
    body_region: object,
    dosage_type: object,
    instructions: object,
    cautions: object = (),
    equipment: object = (),
    media: object = (),
) -> dict[str, str]:
    """The field errors of an exercise's descriptive fields (empty when all are fine).

    The keys are the form's field names: code, name, body_region, dosage_type, instructions,
    cautions, equipment, media. ``instructions`` and ``cautions`` may be lists or one text with one
    step per line.
    """
    col = Collector()
    who = _label(code)
    col.check(
        isinstance(code, str) and SLUG_RE.fullmatch(code) is not None and len(code) <= 60,
        "code",
        f"{who}: the code must be lower-case letters and digits joined by '_' or '-' "
        "(at most 60 characters).",
    )
    if not isinstance(name, str) or not name.strip():
        col.add("name", f"{who}: the name must not be empty.")
    elif len(name.strip()) > MAX_NAME_LENGTH:
        col.add("name", f"{who}: the name must be at most {MAX_NAME_LENGTH} characters.")
    col.check(
        body_region in BODY_REGIONS,
        "body_region",
        f"{who}: body_region must be one of {', '.join(BODY_REGIONS)} (got {body_region!r}).",
    )
    col.check(
        dosage_type in DOSAGE_TYPES,
        "dosage_type",
        f"{who}: dosage_type must be one of {', '.join(DOSAGE_TYPES)} (got {dosage_type!r}).",
    )
    _text_list(instructions, col, "instructions", who, min_items=1)
    _text_list(cautions, col, "cautions", who, min_items=0)
    _text_list(equipment, col, "equipment", who, min_items=0)
    _check_media(media, col, "media", who)
    return col.errors


def validate_exercise_fields(
    *,
    code: object,
    name: object,
    body_region: object,
    dosage_type: object,
    instructions: object,
    cautions: object = (),
    equipment: object = (),
    media: object = (),
) -> None:
    """Raise :class:`ValidationError` listing every bad field of the exercise edit form."""
    errors = exercise_field_errors(
        code=code,
        name=name,
        body_region=body_region,
        dosage_type=dosage_type,
        instructions=instructions,
        cautions=cautions,
        equipment=equipment,
        media=media,
    )
    if errors:
        raise ValidationError(errors)


def _parse_progression(
    d: object, dosage_type: str, col: Collector, who: str
) -> ProgressionStep | None:
    if not isinstance(d, Mapping):
        col.add("progression", f"{who}: progression must be an object with a 'note'.")
        return None
    note = d.get("note")
    if not isinstance(note, str) or not note.strip():
        col.add("progression.note", f"{who}: progression needs a plain-words note.")
    unknown = sorted(str(k) for k in d if k not in {*_STEP_FIELDS, "note"})
    if unknown:
        col.add(f"progression.{unknown[0]}", f"{who}: unknown progression field(s): {unknown}.")
    steps: dict[str, Any] = {}
    for name in _STEP_FIELDS:
        value = d.get(name)
        if value is None:
            continue
        key = f"progression.{name}"
        if name not in _STEPS_ALLOWED.get(dosage_type, frozenset()):
            col.add(key, f"{who}: {name} does not fit a {dosage_type!r} exercise; use null.")
        elif name == "reps_step" and not _is_int(value):
            col.add(key, f"{who}: reps_step must be a whole number.")
        elif not _is_number(value) or value < 0:
            col.add(key, f"{who}: {name} must be a number of 0 or more.")
        else:
            steps[name] = value
    if not isinstance(note, str) or not note.strip():
        return None
    return ProgressionStep(note=note.strip(), **steps)


def parse_exercise(d: Mapping[str, Any]) -> ExerciseSpec:
    """Validate one exercise dict and build its :class:`ExerciseSpec`.

    Raises :class:`ValidationError` with every problem found; keys are field names (nested ones
    dotted, e.g. ``default_dosage.strength.reps_max``), messages start with the exercise code.
    """
    if not isinstance(d, Mapping):
        raise ValidationError.single("exercise", "each exercise must be an object.")
    code = d.get("code")
    who = _label(code)
    col = Collector()
    unknown = sorted(str(k) for k in d if k not in _EXERCISE_KEYS)
    if unknown:
        col.add(unknown[0], f"{who}: unknown field(s): {', '.join(unknown)}.")
    missing = sorted(k for k in ("instructions", "default_dosage", "progression") if k not in d)
    for key in missing:
        col.add(key, f"{who}: {key} is missing.")
    for key, message in exercise_field_errors(
        code=code,
        name=d.get("name"),
        body_region=d.get("body_region"),
        dosage_type=d.get("dosage_type"),
        instructions=d.get("instructions", ()),
        cautions=d.get("cautions", []),
        equipment=d.get("equipment", []),
        media=d.get("media", []),
    ).items():
        col.add(key, message)
    for key in ("instructions", "cautions", "equipment"):
        if isinstance(d.get(key), str):
            col.add(key, f"{who}: {key} must be a list of texts in the file.")

    dosage_type = d.get("dosage_type")
    defaults: list[tuple[str, Dosage]] = []
    progression: ProgressionStep | None = None
    if dosage_type in DOSAGE_TYPES:
        assert isinstance(dosage_type, str)
        raw_defaults = d.get("default_dosage")
        if not isinstance(raw_defaults, Mapping) or not raw_defaults:
            col.add("default_dosage", f"{who}: default_dosage must map phase codes to doses.")
        else:
            for phase, raw in raw_defaults.items():
                if not isinstance(phase, str) or SLUG_RE.fullmatch(phase) is None:
                    col.add("default_dosage", f"{who}: {phase!r} is not a valid phase code.")
                    continue
                dosage, errors = dosage_errors(
                    raw, dosage_type, prefix=f"default_dosage.{phase}.", who=f"{who}, {phase}"
                )
                for key, message in errors.items():
                    col.add(key, message)
                if dosage is not None:
                    defaults.append((phase, dosage))
        progression = _parse_progression(d.get("progression"), dosage_type, col, who)

    col.raise_if_any()
    assert isinstance(code, str) and isinstance(dosage_type, str) and progression is not None
    name = d["name"]
    assert isinstance(name, str)
    return ExerciseSpec(
        code=code,
        name=name.strip(),
        body_region=str(d["body_region"]),
        dosage_type=dosage_type,
        equipment=tuple(s.strip() for s in d.get("equipment", [])),
        instructions=tuple(s.strip() for s in d["instructions"]),
        cautions=tuple(s.strip() for s in d.get("cautions", [])),
        default_dosage=tuple(defaults),
        progression=progression,
        media=tuple(s.strip() for s in d.get("media", [])),
    )


def parse_library(d: Mapping[str, Any]) -> tuple[ExerciseSpec, ...]:
    """Validate a whole library file (``{"schema_version": 1, "exercises": [...]}``).

    Every exercise is checked; one :class:`ValidationError` reports all problems, keyed
    ``<exercise code>.<field>`` (or ``exercises[<index>].<field>`` when the code itself is bad).
    """
    if not isinstance(d, Mapping):
        raise ValidationError.single("library", "the exercise library must be a JSON object.")
    version = d.get("schema_version")
    if version != SCHEMA_VERSION:
        raise ValidationError.single(
            "schema_version",
            f"exercise library schema_version {version!r} is not supported "
            f"(this version of the app reads {SCHEMA_VERSION}).",
        )
    raw = d.get("exercises")
    if not isinstance(raw, list) or not raw:
        raise ValidationError.single("exercises", "the library needs a non-empty 'exercises' list.")
    col = Collector()
    out: list[ExerciseSpec] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(raw):
        code = item.get("code") if isinstance(item, Mapping) else None
        where = code if isinstance(code, str) and SLUG_RE.fullmatch(code) else f"exercises[{index}]"
        if isinstance(code, str) and code in seen:
            col.add(
                f"exercises[{index}].code",
                f"exercise {code!r}: the code is used twice (entries {seen[code]} and {index}).",
            )
            continue
        if isinstance(code, str):
            seen[code] = index
        try:
            out.append(parse_exercise(item))
        except ValidationError as exc:
            for key, message in exc.errors.items():
                col.add(f"{where}.{key}", message)
    col.raise_if_any()
    return tuple(out)


def exercise_to_dict(spec: ExerciseSpec) -> dict[str, Any]:
    """The file form of an exercise; ``parse_exercise(exercise_to_dict(s)) == s``."""
    progression: dict[str, Any] = {
        name: getattr(spec.progression, name)
        for name in _STEP_FIELDS
        if name in _STEPS_ALLOWED[spec.dosage_type]
    }
    progression["note"] = spec.progression.note
    return {
        "code": spec.code,
        "name": spec.name,
        "body_region": spec.body_region,
        "equipment": list(spec.equipment),
        "dosage_type": spec.dosage_type,
        "instructions": list(spec.instructions),
        "cautions": list(spec.cautions),
        "default_dosage": {phase: dosage_to_dict(dose) for phase, dose in spec.default_dosage},
        "progression": progression,
        "media": list(spec.media),
    }

