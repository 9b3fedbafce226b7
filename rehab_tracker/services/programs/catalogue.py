"""The catalogue the builder picks from: exercises and program templates, shipped and clinic's.

The shipped files (``resources/``) are read once per service; the clinic's rows in the database
override them by code, and a retired row hides the exercise or template. A shipped exercise gets
its database row the first time a program prescribes it (:meth:`Catalogue._exercise_by_code`).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data import resources
from rehab_tracker.data.models import Exercise, ProgramTemplate
from rehab_tracker.domain import template as tpl
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.library import ExerciseSpec, parse_exercise
from rehab_tracker.services.errors import NotFoundError, ServiceError
from rehab_tracker.services.library import store_spec
from rehab_tracker.services.programs.common import ServicePart, lines
from rehab_tracker.services.programs.types import ExerciseInfo, TemplateInfo


def dosage_types(library: dict[str, ExerciseSpec]) -> dict[str, str]:
    """Exercise code -> dosage type, what :func:`~rehab_tracker.domain.template.parse_template`
    checks a template's doses against."""
    return {code: spec.dosage_type for code, spec in library.items()}


def template_info(t: tpl.ProgramTemplate, builtin: bool) -> TemplateInfo:
    return TemplateInfo(
        code=t.code,
        name=t.name,
        description=t.description,
        sources=t.sources,
        dosage_note=t.dosage_note,
        weeks=t.weeks,
        sessions_per_week=t.sessions_per_week,
        start_weeks_min=t.start_weeks_min,
        start_weeks_max=t.start_weeks_max,
        variants=tuple((v.code, v.name) for v in t.variants),
        builtin=builtin,
    )


def _template_codes(session: Session) -> list[str]:
    """The shipped templates' codes, then the clinic's (by name; retired ones left out)."""
    codes = list(resources.list_templates())
    codes += list(
        session.scalars(
            select(ProgramTemplate.code)
            .where(ProgramTemplate.retired_at.is_(None))
            .order_by(ProgramTemplate.name)
        )
    )
    return codes


class Catalogue(ServicePart):
    """Exercises and templates for the builder, shipped plus the clinic's own."""

    _library: tuple[ExerciseSpec, ...] | None = None

    def _shipped_library(self) -> tuple[ExerciseSpec, ...]:
        if self._library is None:
            try:
                self._library = resources.load_exercise_library()
            except resources.ResourceError as exc:
                raise ServiceError(f"The exercise library cannot be read: {exc}") from exc
        return self._library

    def _library_map(self, session: Session) -> dict[str, ExerciseSpec]:
        """Shipped exercises, overridden by the clinic's own rows in the database."""
        out = {spec.code: spec for spec in self._shipped_library()}
        for row in session.scalars(select(Exercise).where(Exercise.retired_at.is_(None))):
            try:
                out[row.code] = parse_exercise(
                    {
                        "code": row.code,
                        "name": row.name,
                        "body_region": row.body_region,
                        "equipment": list(row.equipment),
                        "dosage_type": row.dosage_type,
                        "instructions": list(lines(row.instructions)) or ["(none)"],
                        "cautions": list(lines(row.cautions)),
                        "default_dosage": row.default_dosage,
                        "progression": row.progression or {"note": "(none)"},
                        "media": list(row.media),
                        "movements": list(row.movements or []),
                    }
                )
            except ValidationError:
                continue  # a clinic row the rules refuse: the shipped one (if any) stays
        return out

    def exercises(self) -> list[ExerciseInfo]:
        """The exercise library (shipped plus the clinic's own), sorted by name."""
        with self.db.reading() as session:
            ids = {code: id_ for code, id_ in session.execute(select(Exercise.code, Exercise.id))}
            retired = set(
                session.scalars(select(Exercise.code).where(Exercise.retired_at.is_not(None)))
            )
            specs = {c: s for c, s in self._library_map(session).items() if c not in retired}
        return sorted(
            (
                ExerciseInfo(
                    id=ids.get(s.code),
                    code=s.code,
                    name=s.name,
                    body_region=s.body_region,
                    dosage_type=s.dosage_type,
                    equipment=s.equipment,
                    default_dosage=s.default_dosage,
                )
                for s in specs.values()
            ),
            key=lambda e: e.name.lower(),
        )

    def _ensure_exercise(self, session: Session, spec: ExerciseSpec) -> Exercise:
        """The exercise's row, added from the library the first time a program uses it."""
        row = session.scalar(select(Exercise).where(Exercise.code == spec.code))
        if row is not None:
            return row
        row = Exercise(created_by=self.actor, code=spec.code, builtin=True)
        store_spec(row, spec)
        session.add(row)
        session.flush()
        return row

    def _exercise_by_code(
        self, session: Session, code: str, library: dict[str, ExerciseSpec]
    ) -> Exercise | None:
        spec = library.get(code)
        if spec is not None:
            return self._ensure_exercise(session, spec)
        return session.scalar(select(Exercise).where(Exercise.code == code))

    def _load_template(self, session: Session, code: str) -> tuple[tpl.ProgramTemplate, bool]:
        library = self._library_map(session)
        row = session.scalar(
            select(ProgramTemplate).where(
                ProgramTemplate.code == code, ProgramTemplate.retired_at.is_(None)
            )
        )
        if row is not None:
            try:
                return tpl.parse_template(row.body, dosage_types(library)), row.builtin
            except ValidationError as exc:
                raise ServiceError(f"Template {code!r} cannot be used: {exc}") from exc
        if code in resources.list_templates():
            try:
                return resources.load_template(code, exercises=tuple(library.values())), True
            except resources.ResourceError as exc:
                raise ServiceError(f"Template {code!r} cannot be used: {exc}") from exc
        raise NotFoundError(f"no program template {code!r}")

    def templates(self) -> list[TemplateInfo]:
        """Shipped templates, then the clinic's saved ones (unreadable ones are left out)."""
        out: dict[str, TemplateInfo] = {}
        with self.db.reading() as session:
            for code in _template_codes(session):
                try:
                    t, builtin = self._load_template(session, code)
                except ServiceError:
                    continue
                out[code] = template_info(t, builtin)
        return list(out.values())

    def phase_names(self) -> dict[str, str]:
        """Phase code -> display name, from the shipped templates, then the clinic's
        (:func:`~rehab_tracker.domain.template.phase_names`): how the library names the phases
        its doses are for."""
        with self.db.reading() as session:
            loaded = []
            for code in dict.fromkeys(_template_codes(session)):
                try:
                    loaded.append(self._load_template(session, code)[0])
                except ServiceError:
                    continue
        return tpl.phase_names(loaded)

    def template(self, code: str) -> TemplateInfo:
        with self.db.reading() as session:
            t, builtin = self._load_template(session, code)
            return template_info(t, builtin)
