"""Turn uploaded bytes into one BGR working image, refusing anything unsafe first.

Order matters for safety and speed: the byte size and the magic bytes are checked
before Pillow sees the data, the declared pixel count before anything is decoded
(a 100 kB PNG can declare 20000×20000 pixels), and a large JPEG is decoded
straight at a reduced scale (libjpeg's DCT scaling through ``draft``) because the
decoders need at most ~2000 px and a full 12-megapixel decode costs far more
than the whole barcode pass.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt
import pillow_heif
from PIL import Image

from stopheling.errors import ImageError, ImageTooLarge, NotAnImage

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_SIDE = 2000

# Pillow's own bomb guard is a backstop behind the explicit check in load_image:
# it also covers what we do not inspect ourselves (e.g. a later frame's size).
Image.MAX_IMAGE_PIXELS = DEFAULT_MAX_PIXELS
warnings.simplefilter("error", Image.DecompressionBombWarning)
pillow_heif.register_heif_opener()

_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs",
                b"mif1", b"msf1"}  # fmt: skip
_SWAPPING_ORIENTATIONS = {5, 6, 7, 8}  # EXIF orientations that turn the image by 90°
_EXIF_ORIENTATION = 0x0112


@dataclass(frozen=True, slots=True)
class LoadedImage:
    """The decoded working image.

    ``width``/``height`` are the size the user sees (after EXIF orientation, at
    full resolution); ``bgr`` may be smaller, and a box measured on it maps back
    by multiplying with ``scale`` (>= 1).
    """

    bgr: npt.NDArray[np.uint8]
    width: int
    height: int
    scale: float
    format: str


def sniff_format(data: bytes) -> str | None:
    """The container format from the magic bytes; the client's file name and type lie."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "HEIF"
    return None


def load_image(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_side: int = DEFAULT_MAX_SIDE,
) -> LoadedImage:
    """Validate and decode ``data`` (JPEG, PNG, WebP, HEIC/HEIF) into a working image.

    Raises NotAnImage (415) for empty or non-image data, ImageTooLarge (413) for
    too many bytes or declared pixels, ImageError (422) for a broken file.
    """
    if len(data) > max_bytes:
        raise ImageTooLarge(f"the upload is larger than {max_bytes} bytes")
    fmt = sniff_format(data)
    if fmt is None:
        raise NotAnImage("the upload is empty" if not data else "the upload is not an image")
    im = _open(data)
    full_w, full_h = im.size
    if full_w * full_h > max_pixels:
        raise ImageTooLarge(f"the image declares {full_w}x{full_h} pixels")
    orientation = _orientation(im)
    rgb = _decode(im, max_side, orientation)
    if orientation in _SWAPPING_ORIENTATIONS:
        full_w, full_h = full_h, full_w
    bgr = _fit(cv2.cvtColor(np.asarray(rgb), cv2.COLOR_RGB2BGR), max_side)
    scale = max(full_w, full_h) / max(bgr.shape[0], bgr.shape[1])
    return LoadedImage(bgr=bgr, width=full_w, height=full_h, scale=scale, format=fmt)


def _open(data: bytes) -> Image.Image:
    """Parse the header only (Pillow decodes lazily); a bomb is refused right here."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "Corrupt EXIF data": not fatal
            return Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLarge("the image declares too many pixels") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageError("the image cannot be read") from exc


def _orientation(im: Image.Image) -> int:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # corrupt EXIF: treated as upright
            return int(im.getexif().get(_EXIF_ORIENTATION, 1))
    except (OSError, SyntaxError, ValueError, TypeError, UserWarning):
        return 1  # unreadable EXIF: treat as upright rather than refuse the photo


def _decode(im: Image.Image, max_side: int, orientation: int) -> Image.Image:
    """Decode once, near working size for JPEG, upright, as RGB on white."""
    ratio = max_side / max(im.size)
    if ratio < 1 and im.format == "JPEG":
        # draft picks the smallest DCT scale that still covers the requested size.
        im.draft(im.mode, (math.ceil(im.width * ratio), math.ceil(im.height * ratio)))
    try:
        im.load()  # first frame only for animated images
        im = _reduce(im, max_side)
        upright = im.transpose(_TRANSPOSE[orientation]) if orientation in _TRANSPOSE else im
        rgb = _to_rgb(upright)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLarge("the image declares too many pixels") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageError("the image is truncated or broken") from exc
    return rgb


_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_90,
}  # fmt: skip


def _reduce(im: Image.Image, max_side: int) -> Image.Image:
    """Shrink a large decoded image by a whole factor (box average) before any copy or
    conversion, so that a 36-megapixel PNG costs one full-size buffer, not four."""
    factor = max(im.size) // max_side
    if factor < 2:
        return im
    if im.mode not in {"RGB", "RGBA", "L", "LA"}:
        im = _to_rgb(im)  # palette, bilevel, 16-bit: reduce works on these modes only
    return im.reduce(factor)


def _fit(bgr: npt.NDArray[np.uint8], max_side: int) -> npt.NDArray[np.uint8]:
    """Shrink to ``max_side`` with OpenCV's area filter: several times faster than
    Pillow's Lanczos and just as good for decoders that binarize anyway."""
    h, w = bgr.shape[:2]
    if max(h, w) <= max_side:
        return bgr
    r = max_side / max(h, w)
    size = (max(1, round(w * r)), max(1, round(h * r)))
    return cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)


def _to_rgb(im: Image.Image) -> Image.Image:
    """Flatten transparency onto white: transparent pixels are black in RGB, which
    would swallow a dark code printed on a transparent PNG."""
    if im.mode == "RGB":
        return im
    if im.mode in {"RGBA", "LA", "PA"} or "transparency" in im.info:
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return im.convert("RGB")
