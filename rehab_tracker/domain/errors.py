"""Errors the domain and services raise for invalid input, shown by the GUI beside the field."""

from __future__ import annotations

from collections.abc import Mapping


class ValidationError(ValueError):
    """One or more fields hold values the rules refuse.

    ``errors`` maps a field name (the same name the form uses) to a message that says what is
    allowed, e.g. ``{"height_cm": "Height must be between 100 and 250 cm."}``.
    """

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors: dict[str, str] = dict(errors)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.errors.items()))

    @classmethod
    def single(cls, field: str, message: str) -> ValidationError:
        return cls({field: message})


class Collector:
    """Gathers field errors so a form sees every problem at once, not only the first."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def add_all(self, errors: Mapping[str, str], prefix: str = "") -> None:
        """Add every error of ``errors`` (another check's), each field with ``prefix`` in front;
        a field already holding an error keeps it."""
        for field, message in errors.items():
            self.add(prefix + field, message)

    def check(self, condition: bool, field: str, message: str) -> None:
        if not condition:
            self.add(field, message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)
