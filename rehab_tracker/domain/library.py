"""The exercise library: what an exercise is, which doses it defaults to, how it progresses.

Pure parsing and validation of already-loaded dicts (``resources/exercises.json`` or a clinic's own
exercise edited in the GUI); the dose itself and its checks live in :mod:`.dosage`. Errors are
:class:`ValidationError` whose keys name the field and whose messages name the exercise code, so a
broken file or form says exactly what to fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from rehab_tracker.domain import bounds
from rehab_tracker.domain.dosage import (
    DOSAGE_TYPES,
    STEP_FIELDS,
    STEPS_ALLOWED,
    Dosage,
    ProgressionStep,
    dosage_errors,
    dosage_to_dict,
    step_errors,
)
from rehab_tracker.domain.errors import Collector, ValidationError
from rehab_tracker.domain.restrictions import MOVEMENTS

SCHEMA_VERSION: Final = 1

BODY_REGIONS: Final = ("back_extensors", "trunk", "lower_extremity", "endurance", "mobility")
#: A stable identifier: lower-case letters and digits, words joined by "_" or "-".
SLUG_RE: Final = re.compile(r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$")

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
        "movements",
    }
)
MAX_NAME_LENGTH: Final = 80
MAX_TEXT_LENGTH: Final = 400


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
    #: what the exercise asks of the back that a surgeon's restriction may rule out
    #: (:data:`rehab_tracker.domain.restrictions.MOVEMENTS`)
    movements: tuple[str, ...] = field(default=())

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


def _check_movements(value: object, col: Collector, who: str) -> tuple[str, ...]:
    """The exercise's movements: a list of known movement codes, each once."""
    if not isinstance(value, list | tuple) or not all(isinstance(m, str) for m in value):
        col.add("movements", f"{who}: movements must be a list of movement codes.")
        return ()
    unknown = sorted(set(value) - set(MOVEMENTS))
    if unknown:
        col.add(
            "movements",
            f"{who}: unknown movement(s) {', '.join(unknown)} "
            f"(known: {', '.join(MOVEMENTS)}).",
        )
        return ()
    return tuple(m for m in MOVEMENTS if m in value)


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
        problem = bounds.text_problem(item, limit=MAX_TEXT_LENGTH)
        if problem is not None:
            col.add(field_name, f"{who}: {problem}")
            return ()
        out.append(item.strip())
    if len(out) < min_items:
        needed = "one entry" if min_items == 1 else f"{min_items} entries"
        col.add(field_name, f"{who}: {field_name} needs at least {needed}.")
    return tuple(out)


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
    else:
        bounds.check_text(col, "name", name, limit=MAX_NAME_LENGTH)
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


def validate_exercise_fields(**fields: object) -> None:
    """Raise :class:`ValidationError` listing every bad field of the exercise edit form; the
    fields as :func:`exercise_field_errors` takes them."""
    errors = exercise_field_errors(**fields)
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
    unknown = sorted(str(k) for k in d if k not in {*STEP_FIELDS, "note"})
    if unknown:
        col.add(f"progression.{unknown[0]}", f"{who}: unknown progression field(s): {unknown}.")
    steps, errors = step_errors(d, dosage_type, prefix="progression.", who=who)
    col.add_all(errors)
    if not isinstance(note, str) or not note.strip():
        return None
    return ProgressionStep(note=note.strip(), **steps)


def _parse_default_dosages(
    raw_defaults: object, dosage_type: str, col: Collector, who: str
) -> list[tuple[str, Dosage]]:
    """The ``default_dosage`` map (phase code -> dose) as (phase, dose) pairs; problems go to
    ``col``, keyed ``default_dosage`` or ``default_dosage.<phase>.<field>``."""
    if not isinstance(raw_defaults, Mapping) or not raw_defaults:
        col.add("default_dosage", f"{who}: default_dosage must map phase codes to doses.")
        return []
    defaults: list[tuple[str, Dosage]] = []
    for phase, raw in raw_defaults.items():
        if not isinstance(phase, str) or SLUG_RE.fullmatch(phase) is None:
            col.add("default_dosage", f"{who}: {phase!r} is not a valid phase code.")
            continue
        dosage, errors = dosage_errors(
            raw, dosage_type, prefix=f"default_dosage.{phase}.", who=f"{who}, {phase}"
        )
        col.add_all(errors)
        if dosage is not None:
            defaults.append((phase, dosage))
    return defaults


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
    col.add_all(
        exercise_field_errors(
            code=code,
            name=d.get("name"),
            body_region=d.get("body_region"),
            dosage_type=d.get("dosage_type"),
            instructions=d.get("instructions", ()),
            cautions=d.get("cautions", []),
            equipment=d.get("equipment", []),
            media=d.get("media", []),
        )
    )
    movements = _check_movements(d.get("movements", []), col, who)
    for key in ("instructions", "cautions", "equipment"):
        if isinstance(d.get(key), str):
            col.add(key, f"{who}: {key} must be a list of texts in the file.")

    dosage_type = d.get("dosage_type")
    defaults: list[tuple[str, Dosage]] = []
    progression: ProgressionStep | None = None
    if dosage_type in DOSAGE_TYPES:
        assert isinstance(dosage_type, str)
        defaults = _parse_default_dosages(d.get("default_dosage"), dosage_type, col, who)
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
        movements=movements,
    )


def parse_library(d: Mapping[str, Any]) -> tuple[ExerciseSpec, ...]:
    """Validate a whole library file (``{"schema_version": 1, "exercises": [...]}``).

    Every exercise is checked; one :class:`ValidationError` reports all problems, keyed
    ``<exercise code>.<field>`` (or ``exercises[<index>].<field>`` when the code itself is bad).
    """
    if not isinstance(d, Mapping):
        raise ValidationError.single("library", "the exercise library must be a JSON object.")
    check_schema_version(d, "exercise library", SCHEMA_VERSION)
    raw = d.get("exercises")
    if not isinstance(raw, list) or not raw:
        raise ValidationError.single("exercises", "the library needs a non-empty 'exercises' list.")
    return parse_coded_list(
        raw,
        "exercises",
        parse_exercise,
        lambda code, first, again: (
            f"exercise {code!r}: the code is used twice (entries {first} and {again})."
        ),
    )


def check_schema_version(d: Mapping[str, Any], what: str, version: int) -> None:
    """ValidationError (``schema_version``) unless the shipped file ``d`` is of ``version``."""
    given = d.get("schema_version")
    if given != version:
        raise ValidationError.single(
            "schema_version",
            f"{what} schema_version {given!r} is not supported "
            f"(this version of the app reads {version}).",
        )


T = TypeVar("T")


def parse_coded_list(
    raw: list[Any],
    list_key: str,
    parse: Callable[[Any], T],
    used_twice: Callable[[str, int, int], str],
) -> tuple[T, ...]:
    """Parse every item of a shipped list of coded items; one ValidationError reports all the
    problems, keyed ``<code>.<field>`` (``<list_key>[<index>].<field>`` when the code itself is
    bad). A code met again is reported at ``<list_key>[<index>].code`` with
    ``used_twice(code, first index, this index)`` and that item is skipped."""
    col = Collector()
    out: list[T] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(raw):
        code = item.get("code") if isinstance(item, Mapping) else None
        usable = isinstance(code, str) and SLUG_RE.fullmatch(code) is not None
        where = code if usable else f"{list_key}[{index}]"
        if isinstance(code, str) and code in seen:
            col.add(f"{list_key}[{index}].code", used_twice(code, seen[code], index))
            continue
        if isinstance(code, str):
            seen[code] = index
        try:
            out.append(parse(item))
        except ValidationError as exc:
            col.add_all(exc.errors, prefix=f"{where}.")
    col.raise_if_any()
    return tuple(out)


def exercise_to_dict(spec: ExerciseSpec) -> dict[str, Any]:
    """The file form of an exercise; ``parse_exercise(exercise_to_dict(s)) == s``."""
    progression: dict[str, Any] = {
        name: getattr(spec.progression, name)
        for name in STEP_FIELDS
        if name in STEPS_ALLOWED[spec.dosage_type]
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
        "movements": list(spec.movements),
    }

