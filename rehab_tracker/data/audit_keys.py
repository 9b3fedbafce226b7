"""What keeps the audit trail honest from outside the database: the keys that seal it and the
checkpoints of how far it reached (issue 10 item 10).

**Keys.** Each audit entry is sealed with HMAC-SHA256 (:mod:`hmac`) under a 256-bit key that is
never in the database: a file in the user's settings folder, ``audit-keys/``, 0600 in a 0700
folder (``data.private_files``). This installation's own key is ``installation.key``, made the
first time it seals an entry. An entry names the key that sealed it by the key's id (a digest of
the key, which tells nothing about the key itself), so a database sealed on another workstation
(several workstations share one PostgreSQL database) is verified there by copying that
workstation's key file into this folder under any name ending in ``.key``. A writer keeps using
the key that sealed the newest entry when it holds it, else its own.

**Checkpoints.** After every backup, every clean ``db check`` and every restore, the number of
entries and the newest entry's sequence number and hash are written to ``audit-checkpoints/``
(one file per database location, 0600). A trail that no longer reaches its checkpoint lost its
newest entries; a restore writes a fresh checkpoint of the older trail it put in place.

The same file keeps the **verified checkpoint**: (count, head) of the trail as the last clean
check verified it, entry by entry, and when the last full check ran (issue 12 item 5). A later
``db check`` verifies only the entries after it (their links and seals, the first one linked to
the verified head), so its chain walk takes time in proportion to what was written since; a
backup moves the plain checkpoint on and keeps the verified one, which only a clean check moves.

Someone who can edit the database file but not this folder can neither seal a changed entry nor
move the checkpoint back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from rehab_tracker.data import locations
from rehab_tracker.data.errors import DatabaseError
from rehab_tracker.data.private_files import private_dir, private_file, replace_private_text

KEY_BYTES = 32
_KEY_SUFFIX = ".key"
_INSTALLATION = "installation" + _KEY_SUFFIX


class AuditKeyError(DatabaseError):
    """A key file that cannot be read or written (one line, without the key)."""


def keys_dir() -> Path:
    return locations.config_dir() / "audit-keys"


def checkpoints_dir() -> Path:
    return locations.config_dir() / "audit-checkpoints"


def key_id(key: bytes) -> str:
    """The public name of ``key``: 32 hex digits of a digest, stored in every entry it seals."""
    return hashlib.sha256(b"rehab-tracker audit key id\0" + key).hexdigest()[:32]


def seal(key: bytes, prev_hash: str, canonical: str) -> str:
    """The HMAC-SHA256 of an entry (its canonical text after the previous entry's hash)."""
    return hmac.new(key, (prev_hash + canonical).encode("utf-8"), hashlib.sha256).hexdigest()


def matches(expected: str, found: str) -> bool:
    return hmac.compare_digest(expected, found)


def _read_key(path: Path) -> bytes | None:
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return key if len(key) == KEY_BYTES else None


def held_keys() -> dict[str, bytes]:
    """Every key in the folder, by id (files that are not keys are left out)."""
    folder = keys_dir()
    found: dict[str, bytes] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob(f"*{_KEY_SUFFIX}")):
        key = _read_key(path)
        if key is not None:
            found[key_id(key)] = key
    return found


def installation_key() -> bytes:
    """This installation's key, made (0600, random) the first time it is needed."""
    path = keys_dir() / _INSTALLATION
    with _MAKING:  # one maker per process; other processes are kept apart by os.link below
        return _installation_key(path)


#: the threads of one process make the key one at a time (seen: a thread reading while another
#: made the folder and linked the key found it missing, then present, then missing again)
_MAKING = threading.Lock()


def _installation_key(path: Path) -> bytes:
    key = _read_key(path)
    if key is not None:
        return key
    if path.exists():
        raise AuditKeyError(
            f"the audit key file {path} is damaged; restore it from a copy, or move it away "
            "to start a new key (entries sealed with the old key then cannot be verified)"
        )
    new = secrets.token_bytes(KEY_BYTES)
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    try:
        private_dir(keys_dir(), ours=True)
        private_file(partial, exclusive=True)  # 0600 before the key is in it
        with open(partial, "w", encoding="ascii") as handle:
            handle.write(new.hex() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.link(partial, path)  # complete or absent, never half-written; refuses to replace
    except FileExistsError:  # another process made it meanwhile: use that one
        key = _read_key(path)
        if key is None:
            raise AuditKeyError(f"the audit key file {path} is damaged") from None
        return key
    except OSError as exc:
        raise AuditKeyError(f"cannot write the audit key {path}: {exc.strerror}") from exc
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    return new


class KeyRing:
    """The keys a writer uses, read from the folder once and again only for an id it lacks."""

    def __init__(self) -> None:
        self._folder: Path | None = None
        self._keys: dict[str, bytes] = {}
        self._missing: set[str] = set()
        self._own: tuple[str, bytes] | None = None

    def key_for(self, wanted: str | None) -> tuple[str, bytes]:
        """(id, key): the key named ``wanted`` when it is held, else the installation's."""
        folder = keys_dir()
        if folder != self._folder:  # another settings folder (tests, a portable install)
            self._folder, self._keys, self._missing, self._own = folder, {}, set(), None
        if wanted is not None and wanted not in self._keys and wanted not in self._missing:
            self._keys.update(held_keys())
            if wanted not in self._keys:
                self._missing.add(wanted)
        if wanted is not None and wanted in self._keys:
            return wanted, self._keys[wanted]
        if self._own is None:
            own = installation_key()
            self._own = (key_id(own), own)
            self._keys[self._own[0]] = own
        return self._own


@dataclass(frozen=True)
class Verified:
    """How far a clean check verified the trail, entry by entry, and when the last full one ran."""

    count: int
    head_seq: int
    head: str
    at: str
    #: when the last check that verified every entry ran (None: none since the format began)
    full_at: str | None = None


@dataclass(frozen=True)
class Checkpoint:
    """How far the trail reached at a moment the app saw it whole."""

    count: int
    head_seq: int
    head: str
    at: str
    reason: str
    #: the newest point a clean check verified (None: no clean check recorded yet)
    verified: Verified | None = None


def _checkpoint_path(location: str) -> Path:
    name = hashlib.sha256(location.encode("utf-8")).hexdigest()[:32]
    return checkpoints_dir() / f"{name}.json"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def write_checkpoint(
    location: str,
    count: int,
    head_seq: int,
    head: str,
    reason: str,
    *,
    verified: bool = False,
    full: bool = False,
    keep_verified: bool = True,
) -> None:
    """Record (count, head) for the database at ``location``, replacing the previous one.

    ``verified``: a clean check has just verified the trail up to this head (``full``: every
    entry of it), so the verified checkpoint moves here; otherwise the previous verified
    checkpoint is kept (unreadable, or ``keep_verified=False`` for a trail put in place by a
    restore: dropped, so the next check verifies everything)."""
    at = _now()
    try:
        previous = read_checkpoint(location)
    except AuditKeyError:
        previous = None
    kept = previous.verified if previous is not None and keep_verified else None
    if verified:
        full_at = at if full else (kept.full_at if kept is not None else None)
        kept = Verified(count, head_seq, head, at, full_at)
    checkpoint = Checkpoint(count, head_seq, head, at, reason, kept)
    path = _checkpoint_path(location)
    try:
        replace_private_text(path, json.dumps({"database": location, **asdict(checkpoint)}))
    except OSError as exc:
        raise AuditKeyError(f"cannot write the audit checkpoint {path}: {exc.strerror}") from exc


def read_checkpoint(location: str) -> Checkpoint | None:
    """The last checkpoint of the database at ``location``; None when there is none."""
    path = _checkpoint_path(location)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        verified = data.get("verified")
        return Checkpoint(
            int(data["count"]),
            int(data["head_seq"]),
            str(data["head"]),
            str(data["at"]),
            str(data["reason"]),
            None
            if verified is None
            else Verified(
                int(verified["count"]),
                int(verified["head_seq"]),
                str(verified["head"]),
                str(verified["at"]),
                None if verified.get("full_at") is None else str(verified["full_at"]),
            ),
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise AuditKeyError(f"the audit checkpoint {path} cannot be read") from exc
