"""Errors services raise that the GUI and CLI show as a message (not as a crash).

``ValidationError`` (field -> message) lives in the domain; these are the others.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A user action that cannot be carried out, with a message to show as is."""


class NotFoundError(ServiceError):
    """The record asked for does not exist (or no longer does)."""


class ConflictError(ServiceError):
    """Someone else changed the record since it was opened (another workstation)."""
