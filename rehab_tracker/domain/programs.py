"""Program facts every layer needs, standard library only (the start-up path reads them).

* :data:`OPEN_STATUSES`: a program in one of these statuses is open: running (``active``),
  planned to run (``planned``) or interrupted for a while (``paused``). A patient has at most one
  open program; it is the current one (``services._lookup.current_program``), the patient list
  shows it, and a batch report covers every patient who has one. ``completed`` and ``stopped``
  programs are closed (the transitions: :mod:`rehab_tracker.domain.program_status`).
"""

from __future__ import annotations

__all__ = ["OPEN_STATUSES", "is_open"]

OPEN_STATUSES: tuple[str, ...] = ("planned", "active", "paused")


def is_open(status: str | None) -> bool:
    """Whether a program with this status is open (:data:`OPEN_STATUSES`)."""
    return status in OPEN_STATUSES
