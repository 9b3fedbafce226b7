"""The exercise library: seed the shipped exercises and templates, list, edit, retire, restore.

The UI gets plain dataclasses (:class:`ExerciseRow`, :class:`ExerciseDetail`) and hands back an
:class:`ExerciseForm`; every check is the domain's (``rehab_tracker.domain.library``).
Retired exercises stay in the database so past prescriptions and logs keep pointing at them.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from rehab_tracker.data import locations
from rehab_tracker.data.database import Database
from rehab_tracker.data.models import Exercise, ProgramTemplate, Setting
from rehab_tracker.data.types import utcnow
from rehab_tracker.domain import bounds
from rehab_tracker.domain.dosage import STEP_FIELDS, dosage_to_dict
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.library import (
    ExerciseSpec,
    exercise_field_errors,
    exercise_to_dict,
    is_http_url,
    is_relative_media_path,
    parse_exercise,
)
from rehab_tracker.domain.roles import Permission, Principal
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.access import requires
from rehab_tracker.services.errors import NotFoundError, ServiceError

#: the Setting that remembers which shipped files were last seeded (skip the work at start-up)
SEEDED_SETTING = "seeded_resources"
#: the shipped files seeding reads (names as in rehab_tracker.data.resources, which is imported
#: only when they changed, because it pulls in the template rules)
EXERCISES_FILE = "exercises.json"
EDUCATION_FILE = "education.json"

#: image files the library accepts (the file dialog offers the same)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")

#: what the second writer of an exercise is told it was (``lookup.conflict_message``)
STALE = "This exercise"

#: a number of the dose table or the step boxes
Number = int | float


@dataclass(frozen=True)
class ExerciseRow:
    """One line of the library list."""

    id: uuid.UUID
    code: str
    name: str
    body_region: str
    dosage_type: str
    equipment: tuple[str, ...]
    builtin: bool
    retired: bool


@dataclass(frozen=True)
class ExerciseForm:
    """What the exercise edit form holds.

    ``default_dosage`` is one (phase code, dose fields) row per phase, the fields named as in
    :class:`~rehab_tracker.domain.dosage.Dosage` (a field not given is left out);
    ``progression_steps`` maps step names (``reps_step``...) to numbers. Both are checked by the
    domain when the form is saved.
    """

    name: str
    body_region: str
    dosage_type: str
    equipment: str = ""
    instructions: str = ""
    cautions: str = ""
    default_dosage: tuple[tuple[str, Mapping[str, Number]], ...] = ()
    progression_note: str = ""
    progression_steps: Mapping[str, Number] = field(default_factory=dict)
    media: tuple[str, ...] = field(default_factory=tuple)
    #: the movements a restriction can rule out (domain.restrictions.MOVEMENTS codes)
    movements: tuple[str, ...] = field(default_factory=tuple)
    code: str | None = None  # None: made from the name


@dataclass(frozen=True)
class ExerciseDetail:
    id: uuid.UUID
    #: the row's version when read: an update from this form is refused once it moved
    version: int
    builtin: bool
    retired: bool
    form: ExerciseForm


def _given(values: Mapping[str, Any]) -> dict[str, Number]:
    return {k: v for k, v in values.items() if v is not None and k != "dosage_type"}


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return slug[:50] or "item"


def _form_of(spec: ExerciseSpec) -> ExerciseForm:
    return ExerciseForm(
        code=spec.code,
        name=spec.name,
        body_region=spec.body_region,
        dosage_type=spec.dosage_type,
        equipment="\n".join(spec.equipment),
        instructions="\n".join(spec.instructions),
        cautions="\n".join(spec.cautions),
        default_dosage=tuple(
            (phase, _given(dosage_to_dict(dose))) for phase, dose in spec.default_dosage
        ),
        progression_note=spec.progression.note,
        progression_steps=_given({n: getattr(spec.progression, n) for n in STEP_FIELDS}),
        media=spec.media,
        movements=spec.movements,
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def spec_from_form(form: ExerciseForm, code: str) -> ExerciseSpec:
    """Validate the form with the domain; every problem in one ValidationError (form fields)."""
    errors: dict[str, str] = {}
    default_dosage = {phase: dict(values) for phase, values in form.default_dosage}
    steps = dict(form.progression_steps)
    raw = {
        "code": code,
        "name": form.name,
        "body_region": form.body_region,
        "dosage_type": form.dosage_type,
        "equipment": _lines(form.equipment),
        "instructions": _lines(form.instructions),
        "cautions": _lines(form.cautions),
        "default_dosage": default_dosage,
        "progression": {"note": form.progression_note, **steps},
        "media": list(form.media),
        "movements": list(form.movements),
    }
    errors.update(
        exercise_field_errors(
            code=code,
            name=form.name,
            body_region=form.body_region,
            dosage_type=form.dosage_type,
            instructions=raw["instructions"],
            cautions=raw["cautions"],
            equipment=raw["equipment"],
            media=raw["media"],
        )
    )
    problem = bounds.text_problem(form.progression_note, limit=bounds.LONG_TEXT, multiline=True)
    if problem is not None:
        errors["progression_note"] = problem
    try:
        spec = parse_exercise(raw)
    except ValidationError as exc:
        for key, message in _form_fields(exc.errors).items():
            errors.setdefault(key, message)
    if errors:
        raise ValidationError(errors)
    return spec


def _form_fields(errors: dict[str, str]) -> dict[str, str]:
    """Map the domain's nested keys (``default_dosage.strength.sets``) to the form's fields."""
    out: dict[str, str] = {}
    for key, message in errors.items():
        if key.startswith("default_dosage"):
            out.setdefault("default_dosage", message)
        elif key == "progression.note" or key == "progression":
            out.setdefault("progression_note", message)
        elif key.startswith("progression."):
            out.setdefault("progression_steps", message)
        elif key.startswith("media"):
            out.setdefault("media", message)
        else:
            out.setdefault(key, message)
    return out


# --- media: images copied into the media folder, stored as "<code>/<file>" ----------------


def safe_file_name(name: str) -> str:
    """The file name kept in the media folder: letters, digits, ``-`` and ``_``; suffix lower."""
    path = PurePosixPath(name.replace("\\", "/")).name
    stem, dot, suffix = path.rpartition(".")
    if not dot:
        stem, suffix = suffix, ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:80] or "image"
    suffix = re.sub(r"[^a-z0-9]+", "", suffix.lower())
    return f"{stem}.{suffix}" if suffix else stem


def media_file(entry: str) -> Path:
    """Where a relative media entry (``<code>/<file>``) lives on this workstation.

    Refuses absolute paths and ``..`` (ValidationError): nothing outside the media folder.
    """
    if is_http_url(entry) or not is_relative_media_path(entry):
        raise ValidationError.single(
            "media", f"The media path {entry!r} must be relative, inside the media folder."
        )
    return locations.media_dir().joinpath(*PurePosixPath(entry.replace("\\", "/")).parts)


def _copy_new(source: Path, folder: Path, name: str) -> Path:
    """Copy ``source`` into ``folder`` under ``name``, or name-2, name-3... (never overwrite)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    n = 1
    while True:
        candidate = name if n == 1 else f"{stem}-{n}" + (f".{suffix}" if suffix else "")
        target = folder / candidate
        try:
            with source.open("rb") as src, target.open("xb") as dst:  # "x": fail if it exists
                try:
                    shutil.copyfileobj(src, dst)
                except BaseException:
                    dst.close()
                    target.unlink(missing_ok=True)
                    raise
        except FileExistsError:
            n += 1
            continue
        return target


def resources_fingerprint(names: tuple[str, ...]) -> str:
    """SHA-256 over the shipped files (and the template folder): changes when a file does."""
    root = locations.resources_dir()
    digest = hashlib.sha256()
    paths = [root / name for name in names]
    templates = root / "templates"
    if templates.is_dir():
        paths += sorted(templates.glob("*.json"))
    for path in paths:
        digest.update(path.name.encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def seeded_already(session: Session, what: str, fingerprint: str) -> bool:
    setting = session.get(Setting, SEEDED_SETTING)
    return setting is not None and setting.value.get(what) == fingerprint


def remember_seeded(session: Session, what: str, fingerprint: str) -> None:
    setting = session.get(Setting, SEEDED_SETTING)
    if setting is None:
        session.add(Setting(key=SEEDED_SETTING, value={what: fingerprint}))
    else:
        setting.value = {**setting.value, what: fingerprint}


def seed_when_changed(
    db: Database,
    actor: str | Principal,
    what: str,
    files: tuple[str, ...],
    prepare: Callable[[], Callable[[Session], int]],
) -> int:
    """Seed ``what`` from the shipped ``files`` unless they are unchanged since the last seeding.

    ``prepare`` (called only when they changed) reads the shipped files and returns the writer
    that adds what is missing in one unit of work and says how many rows it added. Returns that
    number (0 when nothing changed).
    """
    fingerprint = resources_fingerprint(files)
    with db.reading() as session:
        if seeded_already(session, what, fingerprint):
            return 0
    add = prepare()
    with db.unit_of_work(actor) as session:
        added = add(session)
        remember_seeded(session, what, fingerprint)
    return added


class _Coded(Protocol):
    @property
    def code(self) -> str: ...


S = TypeVar("S", bound=_Coded)


def add_missing(
    session: Session,
    code_column: InstrumentedAttribute[str],
    shipped: Iterable[S],
    make: Callable[[S], object],
) -> int:
    """Add a row (``make``) for each shipped item whose code ``code_column`` does not hold yet;
    codes already present (edited or retired by the clinic) are left alone. Returns how many."""
    have = set(session.scalars(select(code_column)))
    added = 0
    for item in shipped:
        if item.code not in have:
            session.add(make(item))
            added += 1
    return added


def free_code(taken: Collection[str], base: str, separator: str) -> str:
    """``base``, or the first of base<sep>2, base<sep>3... not in ``taken``."""
    code, n = base, 2
    while code in taken:
        code, n = f"{base}{separator}{n}", n + 1
    return code


def _row(e: Exercise) -> ExerciseRow:
    return ExerciseRow(
        id=e.id,
        code=e.code,
        name=e.name,
        body_region=e.body_region,
        dosage_type=e.dosage_type,
        equipment=tuple(e.equipment),
        builtin=e.builtin,
        retired=e.retired_at is not None,
    )


def _spec_of(e: Exercise) -> ExerciseSpec:
    return parse_exercise(
        {
            "code": e.code,
            "name": e.name,
            "body_region": e.body_region,
            "equipment": list(e.equipment),
            "dosage_type": e.dosage_type,
            "instructions": [s for s in e.instructions.split("\n") if s.strip()],
            "cautions": [s for s in e.cautions.split("\n") if s.strip()],
            "default_dosage": dict(e.default_dosage),
            "progression": dict(e.progression),
            "media": list(e.media),
            "movements": list(e.movements or []),
        }
    )


def store_spec(e: Exercise, spec: ExerciseSpec) -> None:
    """Write the exercise's fields into its row (the one mapping of a spec to a row; the
    program builder adds a shipped exercise's row through it too)."""
    d = exercise_to_dict(spec)
    e.name = d["name"]
    e.body_region = d["body_region"]
    e.equipment = d["equipment"]
    e.dosage_type = d["dosage_type"]
    e.instructions = "\n".join(d["instructions"])
    e.cautions = "\n".join(d["cautions"])
    e.default_dosage = d["default_dosage"]
    e.progression = d["progression"]
    e.media = d["media"]
    e.movements = d["movements"]


class LibraryService:
    def __init__(self, db: Database, principal: Principal) -> None:
        self.db = db
        self.principal = principal
        self.actor = principal.username

    def ensure_seeded(self) -> int:
        """Add the shipped exercises and templates that are not in the database yet.

        Idempotent: codes already present (edited or retired by the clinic) are left alone.
        When the shipped files are unchanged since the last seeding nothing is parsed at all
        (start-up stays fast). Returns how many rows were added.
        """
        return seed_when_changed(
            self.db, self.actor, "library", (EXERCISES_FILE,), self._shipped_library
        )

    def _shipped_library(self) -> Callable[[Session], int]:
        """The shipped exercises and templates, and the writer that adds the missing ones."""
        # parsing the shipped files needs the template rules too: only when something changed
        from rehab_tracker.data import resources
        from rehab_tracker.domain.template import ProgramTemplate as TemplateSpec
        from rehab_tracker.domain.template import template_to_dict

        library = resources.load_exercise_library()
        templates = [
            resources.load_template(code, exercises=library) for code in resources.list_templates()
        ]

        def exercise(spec: ExerciseSpec) -> Exercise:
            row = Exercise(code=spec.code, builtin=True, created_by=self.actor)
            store_spec(row, spec)
            return row

        def template(spec: TemplateSpec) -> ProgramTemplate:
            return ProgramTemplate(
                code=spec.code,
                name=spec.name,
                body=template_to_dict(spec),
                builtin=True,
                created_by=self.actor,
            )

        def add(session: Session) -> int:
            return add_missing(session, Exercise.code, library, exercise) + add_missing(
                session, ProgramTemplate.code, templates, template
            )

        return add

    def list_exercises(self) -> list[ExerciseRow]:
        """Every exercise, retired ones included (the view filters), by name."""
        with self.db.reading() as session:
            return [_row(e) for e in session.scalars(select(Exercise).order_by(Exercise.name))]

    def detail(self, exercise_id: uuid.UUID) -> ExerciseDetail:
        with self.db.reading() as session:
            e = self._get(session, exercise_id)
            return ExerciseDetail(
                id=e.id,
                version=e.version,
                builtin=e.builtin,
                retired=e.retired_at is not None,
                form=_form_of(_spec_of(e)),
            )

    def check(self, form: ExerciseForm) -> None:
        """Raise ValidationError for the form as it stands (live checks while typing)."""
        spec_from_form(form, form.code or slugify(form.name))

    @requires(Permission.LIBRARY)
    def add(self, form: ExerciseForm) -> uuid.UUID:
        with self.db.unit_of_work(self.principal) as session:
            code = form.code or self._free_code(session, slugify(form.name))
            spec = spec_from_form(form, code)
            if session.scalar(select(Exercise.id).where(Exercise.code == code)) is not None:
                raise ValidationError.single("code", f"The code {code} is already in use.")
            exercise = Exercise(code=code, builtin=False, created_by=self.actor)
            store_spec(exercise, spec)
            session.add(exercise)
            session.flush()
            return exercise.id

    @requires(Permission.LIBRARY)
    def update(self, exercise_id: uuid.UUID, form: ExerciseForm, *, expected_version: int) -> int:
        """Save the edit form; returns the new version. Refused (ConflictError) when the
        exercise was saved elsewhere since the form read ``expected_version``."""
        with self._editing() as session:
            exercise = self._get(session, exercise_id, expected_version)
            store_spec(exercise, spec_from_form(form, exercise.code))
            session.flush()
            return exercise.version

    @requires(Permission.LIBRARY)
    def retire(self, exercise_id: uuid.UUID) -> None:
        """Hide the exercise from new programs; history keeps it."""
        with self._editing() as session:
            exercise = self._get(session, exercise_id)
            if exercise.retired_at is None:
                exercise.retired_at = utcnow()

    @requires(Permission.LIBRARY)
    def restore(self, exercise_id: uuid.UUID) -> None:
        with self._editing() as session:
            self._get(session, exercise_id).retired_at = None

    # --- media ----------------------------------------------------------------------------

    @staticmethod
    def media_folder() -> Path:
        """This workstation's media folder (it may not exist yet)."""
        return locations.media_dir()

    @staticmethod
    def media_file(entry: str) -> Path:
        """The file of a relative media entry on this workstation (ValidationError if unsafe)."""
        return media_file(entry)

    @requires(Permission.LIBRARY)
    def attach_image(
        self, exercise_id: uuid.UUID, source: Path | str, *, expected_version: int | None = None
    ) -> str:
        """Copy an image into ``media/<code>/`` and add ``<code>/<file>`` to the exercise.

        Returns the stored entry. With ``expected_version`` (the open form's), refused like
        :meth:`update` once the exercise was saved elsewhere; each media change moves the
        version by one. A name already taken gets ``-2``, ``-3``...; nothing is
        overwritten. The copy is removed again when the exercise cannot be saved.
        """
        source = Path(source)
        if source.suffix.lower() not in IMAGE_SUFFIXES:
            raise ValidationError.single(
                "media",
                f"{source.name} is not an image the library can show "
                f"({', '.join(s.lstrip('.') for s in IMAGE_SUFFIXES)}).",
            )
        try:
            found = source.is_file()
        except OSError:  # a name the file system cannot hold (too long): no such file either
            found = False
        if not found:
            raise ValidationError.single("media", f"There is no file {source}.")
        with self.db.reading() as session:
            code = self._get(session, exercise_id).code
        entry = f"{code}/{safe_file_name(source.name)}"
        folder = media_file(entry).parent  # refuses a code that would leave the media folder
        try:
            target = _copy_new(source, folder, safe_file_name(source.name))
        except OSError as exc:
            raise ServiceError(
                f"Could not copy {source.name} into the media folder {folder}: "
                f"{exc.strerror or exc}."
            ) from exc
        entry = f"{code}/{target.name}"
        try:
            media_file(entry)
            with self._editing() as session:
                exercise = self._get(session, exercise_id, expected_version)
                exercise.media = [*exercise.media, entry]
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        return entry

    @requires(Permission.LIBRARY)
    def add_link(
        self, exercise_id: uuid.UUID, url: str, *, expected_version: int | None = None
    ) -> str:
        """Add a video or web page address (http/https only) to the exercise
        (``expected_version``: as for :meth:`attach_image`)."""
        url = url.strip()
        if not is_http_url(url):
            raise ValidationError.single(
                "media", f"The address {url!r} must start with http:// or https://."
            )
        problem = bounds.text_problem(url, limit=bounds.URL)
        if problem is not None:
            raise ValidationError.single("media", problem)
        with self._editing() as session:
            exercise = self._get(session, exercise_id, expected_version)
            exercise.media = [*exercise.media, url]
        return url

    @requires(Permission.LIBRARY)
    def remove_media(
        self, exercise_id: uuid.UUID, entry: str, *, expected_version: int | None = None
    ) -> None:
        """Take an entry off the exercise; an image file stays in the media folder (history)."""
        with self._editing() as session:
            exercise = self._get(session, exercise_id, expected_version)
            media = list(exercise.media)
            if entry not in media:
                raise NotFoundError(f"{entry} is no longer attached to {exercise.name}.")
            media.remove(entry)
            exercise.media = media

    def _editing(self) -> AbstractContextManager[Session]:
        return lookup.editing(self.db, self.principal, STALE)

    @staticmethod
    def _free_code(session: Session, base: str) -> str:
        taken = set(session.scalars(select(Exercise.code).where(Exercise.code.like(f"{base}%"))))
        return free_code(taken, base, "_")

    @staticmethod
    def _get(
        session: Session, exercise_id: uuid.UUID, expected_version: int | None = None
    ) -> Exercise:
        """The exercise; with ``expected_version``, ConflictError once it moved."""
        exercise = lookup.by_id(session, Exercise, exercise_id, "exercise")
        if expected_version is not None:
            lookup.check_version(exercise, expected_version, STALE)
        return exercise
