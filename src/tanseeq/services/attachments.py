"""Attachments to thread messages: decoded, size-checked, sniffed and hashed before storage.

The declared media type is checked against the content itself, because a file is opened by
whoever downloads it: a "PDF" that is really HTML or an executable must never be stored as a
PDF. Only types the node allows (``attachment_types``) are accepted, and only those whose
content we can recognise.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from tanseeq.errors import FieldError, Invalid, TooLarge, invalid
from tanseeq.schemas import AttachmentIn
from tanseeq.settings import Settings

_TEXT_CONTROLS = frozenset(range(32)) - {9, 10, 12, 13}


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(ord(c) in _TEXT_CONTROLS or 0xD800 <= ord(c) < 0xE000 for c in text)


def _is_json(data: bytes) -> bool:
    if not _is_text(data):
        return False
    try:
        json.loads(data)
    except ValueError:
        # FtM exports are often JSON lines: one entity per line.
        try:
            for line in data.splitlines():
                if line.strip():
                    json.loads(line)
        except ValueError:
            return False
    return True


# Media type -> test of the content. A type the node allows but that is not here is refused:
# what cannot be checked is not stored.
SNIFFERS: dict[str, Callable[[bytes], bool]] = {
    "application/pdf": lambda d: d.startswith(b"%PDF-"),
    "image/png": lambda d: d.startswith(b"\x89PNG\r\n\x1a\n"),
    "image/jpeg": lambda d: d.startswith(b"\xff\xd8\xff"),
    "image/gif": lambda d: d.startswith((b"GIF87a", b"GIF89a")),
    "text/plain": _is_text,
    "text/csv": _is_text,
    "application/json": _is_json,
}


@dataclass(frozen=True)
class Checked:
    filename: str
    media_type: str
    content: bytes
    sha256: str


def _check_filename(name: str, loc: str) -> str:
    # Sent back in Content-Disposition: no path, no control characters, no quotes.
    if any(c in name for c in '/\\"') or not name.isprintable():
        raise invalid(loc, "a plain file name: no slashes, quotes or control characters")
    return name


def check(settings: Settings, item: AttachmentIn, loc: str) -> Checked:
    media = item.media_type.strip().lower()
    allowed = {t.lower() for t in settings.attachment_types} & SNIFFERS.keys()
    if media not in allowed:
        raise invalid(f"{loc}.media_type", f"one of {', '.join(sorted(allowed))}")
    limit = settings.max_attachment_bytes
    # Refuse on the encoded length first: no need to decode what is certainly too large.
    if len(item.content) * 3 // 4 > limit + 2:
        raise TooLarge(
            f"{loc}.content: larger than {limit} bytes",
            [FieldError(f"{loc}.content", f"at most {limit} bytes")],
        )
    try:
        data = base64.b64decode(item.content, validate=True)
    except (binascii.Error, ValueError):
        raise invalid(f"{loc}.content", "not base64") from None
    if len(data) > limit:
        raise TooLarge(
            f"{loc}.content: larger than {limit} bytes",
            [FieldError(f"{loc}.content", f"at most {limit} bytes")],
        )
    if not data:
        raise invalid(f"{loc}.content", "empty file")
    if not SNIFFERS[media](data):
        raise Invalid(
            f"{loc}.content: does not look like {media}",
            [FieldError(f"{loc}.content", f"the content is not {media}")],
        )
    return Checked(
        filename=_check_filename(item.filename, f"{loc}.filename"),
        media_type=media,
        content=data,
        sha256=hashlib.sha256(data).hexdigest(),
    )
