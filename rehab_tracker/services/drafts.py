"""Form drafts saved as the user types, so a crash or a closed window loses nothing.

A draft is a form's plain JSON payload under a key, e.g. ``"session:<scheduled_session_id>"``,
``"session:new:<patient_id>"`` or ``"outcome:<patient_id>:<instrument>"``. Each save is one short
unit of work (the forms call it about 500 ms after the last keystroke); the draft is deleted when
the form is saved or discarded.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import Draft
from rehab_tracker.data.types import utcnow
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.roles import Permission, Principal
from rehab_tracker.services.access import requires


@dataclass(frozen=True)
class DraftInfo:
    key: str
    payload: dict[str, Any]
    updated_at: dt.datetime
    updated_by: str


def session_key(patient_id: object, scheduled_session_id: object | None) -> str:
    if scheduled_session_id is None:
        return f"session:new:{patient_id}"
    return f"session:{scheduled_session_id}"


def outcome_key(patient_id: object, instrument: str) -> str:
    return f"outcome:{patient_id}:{instrument}"


#: the length of ``drafts.key``
KEY_MAX = 200
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(value: Any) -> Any:
    """``value`` (a JSON payload) with NUL and lone surrogates replaced by U+FFFD."""
    if isinstance(value, str):
        return _UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(v) for v in value]
    return value


def _possible_key(key: str) -> bool:
    """Whether a draft can be stored under ``key``: :meth:`DraftService.save` refuses the others
    (too long, or a character that is not printable: a NUL or a lone surrogate, which the
    drivers cannot even send)."""
    return len(key) <= KEY_MAX and key.isprintable()


class DraftService:
    def __init__(self, db: Database, principal: Principal) -> None:
        self.db = db
        self.principal = principal
        self.actor = principal.username

    @requires(Permission.DRAFT)
    def save(self, key: str, payload: dict[str, Any]) -> None:
        """Insert or replace the draft under ``key`` (one short write).

        A draft keeps what was typed, even what the form's Save will refuse; only the
        characters no database can keep in a JSON document (NUL, a lone surrogate) are kept as
        U+FFFD, so the form shows where they were. A key longer than its column is a
        ValidationError (``key``)."""
        if not _possible_key(key):
            raise ValidationError.single("key", f"A draft key is 1-{KEY_MAX} printable characters.")
        payload = _storable(payload)
        with self.db.unit_of_work(self.principal) as session:
            row = session.get(Draft, key)
            if row is None:
                session.add(Draft(key=key, payload=payload, updated_by=self.actor))
            else:
                row.payload = payload
                row.updated_by = self.actor
                row.updated_at = utcnow()

    def load(self, key: str) -> DraftInfo | None:
        """The draft under ``key``, None when there is none (nor could be)."""
        if not _possible_key(key):
            return None
        with self.db.reading() as session:
            row = session.get(Draft, key)
            if row is None:
                return None
            return DraftInfo(row.key, dict(row.payload), row.updated_at, row.updated_by)

    @requires(Permission.DRAFT)
    def discard(self, key: str) -> None:
        if not _possible_key(key):
            return  # no draft was stored under it
        with self.db.unit_of_work(self.principal) as session:
            session.execute(delete(Draft).where(Draft.key == key))

    def list_drafts(self, prefix: str = "") -> list[DraftInfo]:
        """Drafts whose key starts with ``prefix``, newest first (offered on app start)."""
        if not _possible_key(prefix):
            return []
        with self.db.reading() as session:
            query = select(Draft).order_by(Draft.updated_at.desc())
            if prefix:
                query = query.where(Draft.key.startswith(prefix, autoescape=True))
            return [
                DraftInfo(r.key, dict(r.payload), r.updated_at, r.updated_by)
                for r in session.scalars(query)
            ]
