"""The home pack file, format version 1 (issue 14): signed by the clinic, encrypted for the patient.

A pack is one file, made at the clinic (``services.home_pack``) and opened at home
(``services.home_import``). From the outside in::

    rehab-tracker-home-pack/1\\n          what the file is, and its format version
    {"ciphertext_bytes":N,"key_id":"...","public_key":"<hex>"}\\n    header (canonical JSON)
    <base64 Ed25519 signature>\\n         the seal: over the two lines above + ciphertext
    <N bytes: an age file>                 passphrase (scrypt) recipient, through pyrage

and inside the age file (after decryption with the patient's passphrase)::

    rehab-tracker-home-pack-content/1\\n
    <base64 Ed25519 signature>\\n                     over the line above + the content
    <content: canonical JSON, UTF-8>

Both signatures are by the clinic's key (``data.signing_keys``): the inner one is the clinic's
word on the content (sign, then encrypt); the outer seal lets a home installation refuse a
damaged or forged file *before* the costly passphrase step (age's scrypt takes about a second on
purpose), and tells a wrong passphrase (a sealed file that does not decrypt) from tampering.
Canonical JSON: keys sorted, no spaces, UTF-8, no NaN or infinity (:func:`canonical`); a content
that is not canonical is refused.

The content (a JSON object): ``format`` ("rehab-tracker-home-pack"), ``format_version`` (1),
``pack_id`` (UUID), ``version`` (1, 2, ... per patient), ``made_at`` (ISO 8601, UTC),
``made_by``, ``key_id`` (the signer, as in the header), ``patient_id``, ``clinic`` (``name``,
``phone``), ``tables`` (table name -> rows, each row its columns as the audit trail writes them:
UUIDs and dates as text, quantities in SI units) and ``media`` (``entry``, ``sha256``,
``base64``: the exercises' pictures).

The passphrase: six words drawn with :mod:`secrets` from the BIP-39 English list of 2048 words
(the ``mnemonic`` package; words of 3 to 8 letters, each told apart by its first four), so
6 x 11 = 66 bits of entropy; each guess costs an attacker one scrypt run. Typed passphrases are
compared after :func:`normalize_passphrase` (case and spacing do not matter).

Cryptography is all the libraries': age (``pyrage``) for encryption, Ed25519 (``cryptography``)
for signatures, :mod:`hashlib` for digests.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import secrets
from dataclasses import dataclass
from functools import cache
from typing import Any

import pyrage
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from rehab_tracker.data import signing_keys
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.services.errors import ServiceError

FORMAT = "rehab-tracker-home-pack"
FORMAT_VERSION = 1
_MAGIC = FORMAT.encode("ascii") + b"/"
_CONTENT_MAGIC = FORMAT.encode("ascii") + b"-content/"
_HEADER_KEYS = frozenset({"ciphertext_bytes", "key_id", "public_key"})
#: the longest first line, header line and signature line a reader looks for
_LINE_LIMIT = 1024
#: a pack larger than this is refused unread (a 12-week program with pictures is well below)
MAX_FILE_BYTES = 256 * 1024 * 1024

PASSPHRASE_WORDS = 6
#: a passphrase the clinic types itself is at least this long (after normalisation)
MIN_PASSPHRASE_CHARS = 16

# refusal reasons (one line each, Refused.message)
NOT_A_PACK = "not_a_pack"
UNKNOWN_VERSION = "unknown_version"
TRUNCATED = "truncated"
TAMPERED = "tampered"
OTHER_KEY = "other_key"
WRONG_PASSPHRASE = "wrong_passphrase"
MALFORMED = "malformed"
REPLAY = "replay"
OTHER_PATIENT = "other_patient"
CLINIC_DATABASE = "clinic_database"


class Refused(ServiceError):
    """A pack that is not applied, and why: ``reason`` (a code above) and a one-line message."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@cache
def _words() -> tuple[str, ...]:
    from mnemonic import Mnemonic

    words = tuple(Mnemonic("english").wordlist)
    if len(words) != 2048 or len(set(words)) != 2048:  # pragma: no cover - a broken install
        raise ServiceError("the passphrase word list is damaged")
    return words


def passphrase_bits(words: int = PASSPHRASE_WORDS) -> float:
    """The entropy of a made passphrase, in bits (66 for six words)."""
    return words * math.log2(len(_words()))


def make_passphrase(words: int = PASSPHRASE_WORDS) -> str:
    """Six random words a patient can type, separated by spaces."""
    pool = _words()
    return " ".join(secrets.choice(pool) for _ in range(words))


def normalize_passphrase(text: str) -> str:
    """What is compared: lower case, one space between words, none around."""
    return " ".join(text.split()).lower()


def check_passphrase(text: str) -> str:
    """The normalised passphrase a clinic chose (ValidationError when too short)."""
    clean = normalize_passphrase(text)
    if len(clean) < MIN_PASSPHRASE_CHARS:
        raise ValidationError.single(
            "passphrase",
            f"A passphrase needs at least {MIN_PASSPHRASE_CHARS} characters "
            "(leave it out to have one made: six words).",
        )
    return clean


def canonical(doc: Any) -> bytes:
    """The one byte form of a JSON document that is signed and compared."""
    return json.dumps(
        doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _b64(data: bytes) -> bytes:
    return base64.b64encode(data)


def seal(content: dict[str, Any], key: Ed25519PrivateKey, passphrase: str) -> bytes:
    """The whole pack file for ``content``: signed, encrypted for ``passphrase``, sealed."""
    public = signing_keys.public_bytes(key)
    kid = signing_keys.key_id(public)
    body = canonical(content)
    first = _CONTENT_MAGIC + f"{FORMAT_VERSION}\n".encode("ascii")
    inner = first + _b64(signing_keys.sign(key, first + body)) + b"\n" + body
    ciphertext: bytes = pyrage.passphrase.encrypt(inner, normalize_passphrase(passphrase))
    header = {"ciphertext_bytes": len(ciphertext), "key_id": kid, "public_key": public.hex()}
    head = _MAGIC + f"{FORMAT_VERSION}\n".encode("ascii") + canonical(header) + b"\n"
    return head + _b64(signing_keys.sign(key, head + ciphertext)) + b"\n" + ciphertext


@dataclass(frozen=True)
class Sealed:
    """A pack file whose seal was read (not yet checked): its signer and its parts."""

    key_id: str
    public_key: bytes
    signed: bytes
    signature: bytes
    ciphertext: bytes
    #: the whole file's length in bytes
    size: int


def _line(data: bytes, start: int) -> tuple[bytes, int]:
    """The line at ``start`` (without its newline) and where the next begins."""
    end = data.find(b"\n", start, start + _LINE_LIMIT)
    if end < 0:
        if len(data) - start < _LINE_LIMIT:
            raise Refused(TRUNCATED, "the file is cut short (truncated): ask the clinic again")
        raise Refused(TAMPERED, "the file was changed after the clinic made it (tampered)")
    return data[start:end], end + 1


def _version_line(line: bytes, magic: bytes) -> None:
    version = line[len(magic) :]
    if version != str(FORMAT_VERSION).encode("ascii"):
        if version.isdigit():
            raise Refused(
                UNKNOWN_VERSION,
                f"the file is of format version {version.decode('ascii')}, this version of "
                f"Rehab Tracker reads version {FORMAT_VERSION} (unknown version): update it",
            )
        raise Refused(TAMPERED, "the file was changed after the clinic made it (tampered)")


def _tampered() -> Refused:
    return Refused(TAMPERED, "the file was changed after the clinic made it (tampered)")


def _signature(line: bytes) -> bytes:
    try:
        signature = base64.b64decode(line, validate=True)
    except (binascii.Error, ValueError):
        raise _tampered() from None
    if len(signature) != signing_keys.SIGNATURE_BYTES or _b64(signature) != line:
        raise _tampered()
    return signature


def _header(line: bytes) -> tuple[int, str, bytes]:
    """(ciphertext length, key id, raw public key) of a header line."""
    try:
        header = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        raise _tampered() from None
    if not isinstance(header, dict) or set(header) != _HEADER_KEYS or canonical(header) != line:
        raise _tampered()
    length, kid, public_hex = (header[k] for k in sorted(_HEADER_KEYS))
    if not isinstance(length, int) or not isinstance(kid, str) or not isinstance(public_hex, str):
        raise _tampered()
    try:
        public = bytes.fromhex(public_hex)
    except ValueError:
        raise _tampered() from None
    if public.hex() != public_hex or signing_keys.key_id(public) != kid:
        raise _tampered()
    return length, kid, public


def read_seal(data: bytes) -> Sealed:
    """The outer parts of a pack file (Refused: not a pack, unknown version, truncated,
    tampered); nothing is decrypted or verified yet."""
    if len(data) > MAX_FILE_BYTES:
        raise Refused(NOT_A_PACK, "the file is too large to be a home pack")
    if not data.startswith(_MAGIC):
        if _MAGIC.startswith(data):
            raise Refused(TRUNCATED, "the file is cut short (truncated): ask the clinic again")
        raise Refused(NOT_A_PACK, "the file is not a Rehab Tracker home pack")
    first, at = _line(data, 0)
    _version_line(first, _MAGIC)
    header_line, at = _line(data, at)
    signature_line, at = _line(data, at)
    length, kid, public = _header(header_line)
    signature = _signature(signature_line)
    ciphertext = data[at:]
    if len(ciphertext) < length:
        raise Refused(TRUNCATED, "the file is cut short (truncated): ask the clinic again")
    if len(ciphertext) > length:
        raise _tampered()
    signed = data[: len(first) + 1 + len(header_line) + 1] + ciphertext
    return Sealed(kid, public, signed, signature, ciphertext, len(data))


def unseal(data: bytes, pinned: str | None) -> Sealed:
    """Read a pack file's seal and check it: its signer is ``pinned`` (the key id the home
    installation trusts; None before its first pack) and the signature holds. Refused with the
    reason otherwise; nothing is decrypted yet."""
    sealed = read_seal(data)
    if pinned is not None and sealed.key_id != pinned:
        raise Refused(
            OTHER_KEY,
            f"the file is signed by another key ({sealed.key_id}) than your clinic's "
            f"({pinned}): it was not made by your clinic",
        )
    if not signing_keys.verify(sealed.public_key, sealed.signature, sealed.signed):
        raise _tampered()
    return sealed


def decrypt(sealed: Sealed, passphrase: str) -> bytes:
    """The inner part of a checked seal (Refused: wrong passphrase). The seal holds, so a file
    that does not decrypt was not made for this passphrase."""
    try:
        inner: bytes = pyrage.passphrase.decrypt(
            sealed.ciphertext, normalize_passphrase(passphrase)
        )
    except pyrage.DecryptError:
        raise Refused(
            WRONG_PASSPHRASE,
            "the passphrase does not open this file (wrong passphrase): check the words on "
            "your home exercise sheet",
        ) from None
    return inner


def content_of(inner: bytes, sealed: Sealed) -> dict[str, Any]:
    """The content of a decrypted pack, its signature checked against the seal's key
    (Refused: tampered, malformed, unknown version)."""
    if not inner.startswith(_CONTENT_MAGIC):
        raise _tampered()
    first, at = _line(inner, 0)
    _version_line(first, _CONTENT_MAGIC)
    signature_line, at = _line(inner, at)
    body = inner[at:]
    if not signing_keys.verify(sealed.public_key, _signature(signature_line), first + b"\n" + body):
        raise _tampered()
    try:
        content = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refused(MALFORMED, "the pack's content cannot be read (malformed)") from None
    if not isinstance(content, dict) or canonical(content) != body:
        raise Refused(MALFORMED, "the pack's content cannot be read (malformed)")
    if content.get("format") != FORMAT or content.get("format_version") != FORMAT_VERSION:
        raise Refused(UNKNOWN_VERSION, "the pack's content is of an unknown version")
    if content.get("key_id") != sealed.key_id:
        raise _tampered()
    return content
