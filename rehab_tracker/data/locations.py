"""Where the app keeps its files and where the shipped migrations and resources live.

An editable checkout finds ``migrations/`` and ``resources/`` at the repository's top level; an
installed wheel carries them as ``rehab_tracker/_migrations`` and ``rehab_tracker/_resources``
(see ``[tool.hatch.build.targets.wheel.force-include]`` in pyproject.toml).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import platformdirs

from rehab_tracker import APP_ID

_PACKAGE_DIR = Path(__file__).resolve().parent.parent

#: Environment variable naming the database (a file path or an SQLAlchemy URL).
DB_ENV = "REHAB_TRACKER_DB"
#: Environment variable that moves every user folder (used by tests and portable installs).
HOME_ENV = "REHAB_TRACKER_HOME"


def _shipped(name: str) -> Path:
    installed = _PACKAGE_DIR / f"_{name}"
    if installed.is_dir():
        return installed
    checkout = _PACKAGE_DIR.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"cannot find the shipped {name}/ folder next to {_PACKAGE_DIR}")


def migrations_dir() -> Path:
    """The Alembic script folder."""
    return _shipped("migrations")


def newest_revision_file() -> str | None:
    """The head revision, read from the file names alone (``NNNN_slug.py``, a linear history).

    A test holds every revision file to this convention and checks the result against Alembic.
    Lives here (no SQLAlchemy) so the fast start-up read can check the schema revision too.
    """
    ids = sorted(known_revisions())
    return ids[-1] if ids else None


def known_revisions() -> frozenset[str]:
    """Every schema revision this version knows (the ``NNNN`` prefixes of the revision files):
    a database or backup naming another one was not made by this version or an older one."""
    versions = migrations_dir() / "versions"
    return frozenset(p.name.split("_", 1)[0] for p in versions.glob("[0-9][0-9][0-9][0-9]_*.py"))


def resources_dir() -> Path:
    """The shipped data files: exercise library, program templates, education items."""
    return _shipped("resources")


def data_dir() -> Path:
    """The user's data folder (database, backups); not created here."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override) / "data"
    return Path(platformdirs.user_data_dir(APP_ID, appauthor=False))


def config_dir() -> Path:
    """The user's settings folder; not created here."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override) / "config"
    return Path(platformdirs.user_config_dir(APP_ID, appauthor=False))


def media_dir() -> Path:
    """The clinic's exercise images, as ``<exercise code>/<file>``; not created here.

    One per workstation (beside the SQLite database of the default set-up); the library stores
    paths relative to it, so a folder copied to another workstation keeps working.
    """
    return data_dir() / "media"


def default_database_path() -> Path:
    return data_dir() / "rehab-tracker.db"


#: the file in the settings folder naming the database this workstation uses (one line: a file
#: path or a URL), written by the welcome page's "Connect to a clinic server"
DATABASE_CHOICE_FILE = "database"


def saved_database() -> str | None:
    """The database this workstation was set to use, or None (then the default file).

    Where a database comes from, first found wins: ``--db``, ``$REHAB_TRACKER_DB``, this saved
    choice, the default file: the GUI and every command alike (data.database.resolve_target).
    """
    try:
        text = (config_dir() / DATABASE_CHOICE_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    lines = text.strip().splitlines()
    return (lines[0].strip() or None) if lines else None


def save_database(target: str) -> Path:
    """Make ``target`` (a path or URL) this workstation's database from now on; readable by
    this user only (a server URL may hold a password). Returns the file written."""
    return _write_private_line(DATABASE_CHOICE_FILE, target)


def _write_private_line(name: str, text: str) -> Path:
    """Write ``text`` as the one line of the settings file ``name``, readable by this user only."""
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text.strip() + "\n")
    os.chmod(path, 0o600)
    return path


LAST_USER_FILE = "last-user"


def last_user() -> str:
    """The user name last signed in on this workstation ("" when none): the sign-in dialog
    fills it in (issue 13 item 7)."""
    try:
        text = (config_dir() / LAST_USER_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
        return ""
    lines = text.strip().splitlines()
    return lines[0].strip()[:64] if lines else ""


def remember_user(username: str) -> None:
    """Keep ``username`` for the next sign-in on this workstation (readable by this user only);
    a folder that cannot be written only means the name is typed again next time."""
    with contextlib.suppress(OSError):
        _write_private_line(LAST_USER_FILE, username)


def backup_dir_for(database_file: Path) -> Path:
    """Backups sit in a ``backups`` folder beside the database file."""
    return database_file.parent / "backups"
