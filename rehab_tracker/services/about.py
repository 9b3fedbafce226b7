"""What Help > About shows: the app's version and the licence of every part it ships with.

The parts are read from the installed package metadata (``importlib.metadata``), never typed in
here: the app's own runtime requirements and theirs, the test tools left out. Each licence comes
from the package's own declaration: its SPDX ``License-Expression``, else a short ``License``
field, else its ``License ::`` classifier (matplotlib declares the PSF-based licence only so).
"""

from __future__ import annotations

import importlib.metadata as metadata
from collections.abc import Iterable
from dataclasses import dataclass

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

#: the distribution this app is installed as
DISTRIBUTION = "rehab-tracker"
#: a ``License`` field longer than this (or over several lines) is the licence text itself
SHORT_LICENCE = 60
#: said when a package declares no licence in its metadata
UNDECLARED = "not declared in the package metadata (see its licence file)"


@dataclass(frozen=True, slots=True)
class ShippedPart:
    name: str
    version: str
    licence: str


def licence_of(meta: metadata.PackageMetadata) -> str:
    """The licence a package declares, in its own words (see the module docstring)."""
    expression = _field(meta, "License-Expression")
    if expression:
        return expression
    field = _field(meta, "License")
    if field and "\n" not in field and len(field) <= SHORT_LICENCE:
        return field
    classifiers = [
        c.split("::")[-1].strip()
        for c in meta.get_all("Classifier") or []
        if c.startswith("License ::")
    ]
    return " / ".join(classifiers) if classifiers else UNDECLARED


def _field(meta: metadata.PackageMetadata, name: str) -> str:
    values = meta.get_all(name) or []
    return str(values[0]).strip() if values else ""


def _runtime_requirements(distribution: metadata.Distribution) -> Iterable[str]:
    """The names a distribution needs at run time (its extras and test tools left out)."""
    for line in distribution.requires or ():
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        yield requirement.name
        for extra in requirement.extras:  # psycopg[binary] ships psycopg-binary
            yield from _extra_requirements(requirement.name, extra)


def _extra_requirements(name: str, extra: str) -> Iterable[str]:
    try:
        distribution = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return
    for line in distribution.requires or ():
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if (
            requirement.marker is not None
            and requirement.marker.evaluate({"extra": extra})
            and not requirement.marker.evaluate({"extra": ""})
        ):
            yield requirement.name


def shipped_parts(distribution: str = DISTRIBUTION) -> list[ShippedPart]:
    """Every installed package the app runs on, with its version and licence, sorted by name
    (case-insensitive). A requirement that is not installed is left out."""
    seen: dict[str, ShippedPart] = {}
    pending = [distribution]
    while pending:
        name = pending.pop()
        key = canonicalize_name(name)
        if key in seen:
            continue
        try:
            found = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        meta = found.metadata
        seen[key] = ShippedPart(meta["Name"], meta["Version"], licence_of(meta))
        pending.extend(_runtime_requirements(found))
    seen.pop(canonicalize_name(distribution), None)
    return sorted(seen.values(), key=lambda part: part.name.casefold())


def app_licence(distribution: str = DISTRIBUTION) -> str:
    """The app's own licence, as its package declares it."""
    try:
        return licence_of(metadata.metadata(distribution))
    except metadata.PackageNotFoundError:
        return UNDECLARED
