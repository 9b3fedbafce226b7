"""Read the shipped resources (exercise library, program templates, education) from disk.

The files are JSON in UTF-8 under :func:`rehab_tracker.data.locations.resources_dir`; the pure
parsers in ``rehab_tracker.domain`` validate them. Any problem (missing file, broken JSON, a value
the rules refuse) becomes a :class:`ResourceError` that names the file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from rehab_tracker.data import locations
from rehab_tracker.domain.education import EducationItem, parse_education
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.library import SLUG_RE, ExerciseSpec, parse_library
from rehab_tracker.domain.template import ProgramTemplate, parse_template

EXERCISES_FILE = "exercises.json"
EDUCATION_FILE = "education.json"
TEMPLATES_DIR = "templates"
DEFAULT_TEMPLATE = "usc-12-week"

T = TypeVar("T")


class ResourceError(ValueError):
    """A shipped or clinic-supplied resource file cannot be used; the message names the file.

    ``errors`` holds the field errors when the file was valid JSON but failed validation.
    """

    def __init__(self, path: Path, message: str, errors: Mapping[str, str] | None = None) -> None:
        self.path = path
        self.errors: dict[str, str] = dict(errors or {})
        super().__init__(f"{path}: {message}")


def _root(directory: Path | None) -> Path:
    return directory if directory is not None else locations.resources_dir()


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ResourceError(path, "the file is missing.") from exc
    except UnicodeDecodeError as exc:
        raise ResourceError(path, f"the file is not UTF-8 text ({exc.reason}).") from exc
    except OSError as exc:
        raise ResourceError(path, f"cannot read the file ({exc.strerror or exc}).") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResourceError(
            path, f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}."
        ) from exc


def _invalid(path: Path, exc: ValidationError) -> ResourceError:
    shown = list(exc.errors.items())[:5]
    more = len(exc.errors) - len(shown)
    text = "; ".join(f"{key}: {message}" for key, message in shown)
    if more > 0:
        text += f"; and {more} more problem(s)"
    return ResourceError(path, f"invalid content: {text}", exc.errors)


def _parsed(path: Path, parse: Callable[[Any], T]) -> T:
    """The JSON file at ``path`` through the domain's ``parse``; any problem a ResourceError."""
    data = _read_json(path)
    try:
        return parse(data)
    except ValidationError as exc:
        raise _invalid(path, exc) from exc


def load_exercise_library(directory: Path | None = None) -> tuple[ExerciseSpec, ...]:
    """The exercise library (``exercises.json``)."""
    return _parsed(_root(directory) / EXERCISES_FILE, parse_library)


def list_templates(directory: Path | None = None) -> list[str]:
    """The codes (file names without ``.json``) of the available templates, sorted."""
    folder = _root(directory) / TEMPLATES_DIR
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.json") if SLUG_RE.fullmatch(p.stem))


def load_template(
    code: str = DEFAULT_TEMPLATE,
    directory: Path | None = None,
    *,
    exercises: tuple[ExerciseSpec, ...] | None = None,
) -> ProgramTemplate:
    """A program template, validated against the exercise library.

    ``exercises`` defaults to :func:`load_exercise_library` from the same folder; a caller that
    keeps a clinic-edited library passes its own.
    """
    root = _root(directory)
    folder = root / TEMPLATES_DIR
    if not isinstance(code, str) or SLUG_RE.fullmatch(code) is None:
        raise ResourceError(folder, f"{code!r} is not a valid template code.")
    path = folder / f"{code}.json"
    if not path.is_file():
        available = ", ".join(list_templates(directory)) or "none"
        raise ResourceError(path, f"no template {code!r} (available: {available}).")

    def parse(data: Any) -> ProgramTemplate:
        library = exercises if exercises is not None else load_exercise_library(directory)
        return parse_template(data, {e.code: e.dosage_type for e in library})

    template = _parsed(path, parse)
    if template.code != code:
        raise ResourceError(
            path, f"the file name says {code!r} but the template's code is {template.code!r}."
        )
    return template


def load_education(directory: Path | None = None) -> tuple[EducationItem, ...]:
    """The patient education items (``education.json``)."""
    return _parsed(_root(directory) / EDUCATION_FILE, parse_education)
