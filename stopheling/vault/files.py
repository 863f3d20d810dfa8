"""Photos and receipts: checked by their content, stored outside the web root.

A file is accepted only when its bytes are what they claim: JPEG, PNG or WebP that Pillow
opens and fully decodes within the pixel limit (a decompression bomb is refused before
decoding), or a PDF that starts with ``%PDF-`` and that pypdf can parse. The client's file
name and content type are never trusted. Stored names are random (32 hex characters), in
one folder that the web server does not serve; only the vault's routes read them, after
checking the owner.
"""

from __future__ import annotations

import io
import logging
import os
import secrets
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from ..errors import ImageTooLarge, TooLarge, Unprocessable, UnsupportedMedia
from ..scan.loader import sniff_format

log = logging.getLogger(__name__)

CONTENT_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "PDF": "application/pdf",
}
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
}
MAX_PDF_PAGES = 50


@dataclass(frozen=True, slots=True)
class Checked:
    """An upload that passed every check: its sniffed type and its bytes."""

    content_type: str
    data: bytes

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def check_upload(data: bytes, *, max_bytes: int, max_pixels: int) -> Checked:
    """Accept JPEG, PNG, WebP or PDF by content, or raise with a code the page explains.

    Codes: ``file_too_large`` (413), ``file_empty``, ``file_type`` (415), ``image_bomb``
    (413), ``file_broken`` (422), ``pdf_encrypted`` (422)."""
    if len(data) > max_bytes:
        raise TooLarge(f"The file is larger than {max_bytes} bytes.", code="file_too_large")
    if not data:
        raise UnsupportedMedia("The file is empty.", code="file_empty")
    if data.startswith(b"%PDF-"):
        _check_pdf(data)
        return Checked("application/pdf", data)
    fmt = sniff_format(data)
    if fmt not in CONTENT_TYPES:
        raise UnsupportedMedia("Not a JPEG, PNG, WebP or PDF file.", code="file_type")
    _check_image(data, fmt, max_pixels)
    return Checked(CONTENT_TYPES[fmt], data)


def _check_image(data: bytes, fmt: str, max_pixels: int) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data))
            if im.format != fmt:
                raise UnsupportedMedia("The image is not what it seems.", code="file_type")
            width, height = im.size
            if width * height > max_pixels:
                raise ImageTooLarge(
                    f"The image declares {width}x{height} pixels.", code="image_bomb"
                )
            im.load()  # decode it all: a truncated or corrupt file is refused now
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLarge("The image declares too many pixels.", code="image_bomb") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise Unprocessable("The image cannot be read.", code="file_broken") from exc


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns about harmless oddities
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise Unprocessable("The PDF is password-protected.", code="pdf_encrypted")
            pages = len(reader.pages)
    except (PdfReadError, OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise Unprocessable("The PDF cannot be read.", code="file_broken") from exc
    if pages == 0 or pages > MAX_PDF_PAGES:
        raise Unprocessable(f"A PDF has 1 to {MAX_PDF_PAGES} pages.", code="file_broken")


class FileStore:
    """A folder of files with random names; nothing in it is ever served directly."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def save(self, data: bytes) -> str:
        """Write ``data`` under a new random name (no extension, no user input) and return it."""
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = secrets.token_hex(16)
        path = self.path(name)
        tmp = path.with_suffix(".part")
        with open(tmp, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        return name

    def path(self, name: str) -> Path:
        if len(name) != 32 or not all(c in "0123456789abcdef" for c in name):
            raise ValueError("not a stored file name")
        return self.root / name

    def read(self, name: str) -> bytes:
        return self.path(name).read_bytes()

    def discard(self, names: Iterable[str]) -> None:
        """Remove files; a missing one is fine (removing twice must not fail)."""
        for name in names:
            try:
                self.path(name).unlink(missing_ok=True)
            except OSError:
                log.exception("could not remove vault file %s", name)
