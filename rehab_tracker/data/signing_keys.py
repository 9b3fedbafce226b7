"""The clinic's signing key (issue 14): an Ed25519 key pair made once per clinic database.

The public half and its id are in the database (``models.SigningKey``, role "clinic"); the
private half never is, and never travels in exported data: it is a file in the user's settings
folder, ``signing-keys/<key id>.pem`` (PKCS #8, PEM), 0600 in a 0700 folder, written whole or
not at all, as the audit keys are (``data.audit_keys``). A clinic with several workstations on
one PostgreSQL database signs on the workstation that made the key, or on one where that file
was copied into the same folder.

Ed25519 signing and verifying are the ``cryptography`` package's (no cryptography by hand).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from rehab_tracker.data import locations
from rehab_tracker.data.errors import DatabaseError
from rehab_tracker.data.private_files import private_dir, private_file

PUBLIC_KEY_BYTES = 32
SIGNATURE_BYTES = 64
_SUFFIX = ".pem"


class SigningKeyError(DatabaseError):
    """A private signing key that is missing, damaged or cannot be written (one line)."""


def keys_dir() -> Path:
    return locations.config_dir() / "signing-keys"


def key_id(public_raw: bytes) -> str:
    """The public name of a key: 32 hex digits of the SHA-256 of its raw public bytes."""
    return hashlib.sha256(b"rehab-tracker signing key id\0" + public_raw).hexdigest()[:32]


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _path(kid: str) -> Path:
    if len(kid) != 32 or any(c not in "0123456789abcdef" for c in kid):
        raise SigningKeyError(f"not a signing key id: {kid!r}")
    return keys_dir() / f"{kid}{_SUFFIX}"


def make_key() -> tuple[str, bytes]:
    """A new key pair: the private half written to its file (0600, complete or absent); returns
    (key id, raw public key)."""
    key = Ed25519PrivateKey.generate()
    public = public_bytes(key)
    kid = key_id(public)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path = _path(kid)
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    try:
        private_dir(keys_dir(), ours=True)
        private_file(partial, exclusive=True)  # 0600 before the key is in it
        with open(partial, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(partial, path)  # never half-written; refuses to replace
    except OSError as exc:
        raise SigningKeyError(f"cannot write the signing key {path}: {exc.strerror}") from exc
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    return kid, public


def forget_key(kid: str) -> None:
    """Remove a private key file this process made but could not record (a lost race)."""
    with contextlib.suppress(OSError):
        _path(kid).unlink(missing_ok=True)


def private_key(kid: str) -> Ed25519PrivateKey:
    """The private key named ``kid``, read from its file (SigningKeyError when it is not here,
    damaged, or another key than its name says)."""
    path = _path(kid)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SigningKeyError(
            f"the clinic's signing key {kid} is not on this workstation: copy {path.name} "
            f"from the workstation that made it into {keys_dir()}"
        ) from None
    except OSError as exc:
        raise SigningKeyError(f"cannot read the signing key {path}: {exc.strerror}") from exc
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PrivateKey) or key_id(public_bytes(key)) != kid:
        raise SigningKeyError(f"the signing key file {path} is damaged")
    return key


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    return key.sign(data)


def verify(public_raw: bytes, signature: bytes, data: bytes) -> bool:
    """Whether ``signature`` is the Ed25519 signature of ``data`` by ``public_raw``."""
    if len(public_raw) != PUBLIC_KEY_BYTES or len(signature) != SIGNATURE_BYTES:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True
