"""Photo-like degradations for rendered test images (shared by the barcode and OCR tests).

Each function takes a BGR ``uint8`` image and returns a new one; the random ones
take a ``seed`` so a failing case can be reproduced exactly. They imitate what a
phone photo of a sticker does to it: tilt, a skewed viewpoint, focus and shake
blur, sensor noise, JPEG compression, dim light and a code that is small in the
frame. Strengths are parameters so a test can sweep them.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]
WHITE = (255, 255, 255)


def rotate(img: Image, degrees: float = 12.0) -> Image:
    """Rotate about the centre, growing the canvas so no corner is cut off."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos) + 1, int(h * cos + w * sin) + 1
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(img, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=WHITE)


def perspective(img: Image, strength: float = 0.12, seed: int = 0) -> Image:
    """Move each corner inward by up to ``strength`` of the size: a photo taken at an angle."""
    rng = np.random.default_rng(seed)
    h, w = img.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    jitter = rng.uniform(0, strength, size=(4, 2)) * [w, h]
    inward = np.float32([[1, 1], [-1, 1], [-1, -1], [1, -1]])
    dst = (src + inward * jitter).astype(np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=WHITE)


def blur(img: Image, sigma: float = 1.5) -> Image:
    """Gaussian blur: a slightly out-of-focus photo."""
    return cv2.GaussianBlur(img, (0, 0), sigma)


def motion_blur(img: Image, length: int = 7, angle: float = 0.0) -> Image:
    """Linear motion blur of ``length`` pixels at ``angle`` degrees: a shaking hand."""
    kernel = np.zeros((length, length), np.float32)
    kernel[length // 2, :] = 1.0
    centre = (length / 2 - 0.5, length / 2 - 0.5)
    kernel = cv2.warpAffine(kernel, cv2.getRotationMatrix2D(centre, angle, 1.0), (length, length))
    return cv2.filter2D(img, -1, kernel / max(float(kernel.sum()), 1e-6))


def noise(img: Image, sigma: float = 12.0, seed: int = 0) -> Image:
    """Additive Gaussian sensor noise."""
    rng = np.random.default_rng(seed)
    noisy = img.astype(np.float32) + rng.normal(0.0, sigma, img.shape)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def jpeg(img: Image, quality: int = 25) -> Image:
    """Round-trip through a low-quality JPEG: block and ringing artefacts."""
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)


def low_contrast(img: Image, factor: float = 0.3, offset: int = 90) -> Image:
    """Squeeze the tonal range into ``factor`` of its width above ``offset``: dim, grey light."""
    return (img.astype(np.float32) * factor + offset).clip(0, 255).astype(np.uint8)


def small_in_frame(
    img: Image, frame: tuple[int, int] = (1600, 1200), fraction: float = 0.18, seed: int = 0
) -> Image:
    """Shrink so the long side is ``fraction`` of the frame width, paste it somewhere on a
    noisy grey background of ``frame`` (width, height): a code far from the camera."""
    rng = np.random.default_rng(seed)
    fw, fh = frame
    h, w = img.shape[:2]
    s = fraction * fw / max(w, h)
    size = (max(1, round(w * s)), max(1, round(h * s)))
    small = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
    canvas = rng.normal(150, 25, (fh, fw, 3)).clip(0, 255).astype(np.uint8)
    canvas = cv2.GaussianBlur(canvas, (0, 0), 3)
    sh, sw = small.shape[:2]
    y, x = int(rng.integers(0, fh - sh)), int(rng.integers(0, fw - sw))
    canvas[y : y + sh, x : x + sw] = small
    return canvas


# Named degradations at a realistic strength, for corpus sweeps: name -> (image, seed) -> image.
DEGRADATIONS: dict[str, Callable[[Image, int], Image]] = {
    "clean": lambda im, seed: im,
    "rotate": lambda im, seed: rotate(im, 8.0 + 10.0 * (seed % 3)),
    "perspective": lambda im, seed: perspective(im, 0.10, seed),
    "blur": lambda im, seed: blur(im, 1.2),
    "motion_blur": lambda im, seed: motion_blur(im, 5, 90.0 * (seed % 2)),
    "noise": lambda im, seed: noise(im, 14.0, seed),
    "jpeg": lambda im, seed: jpeg(im, 20),
    "low_contrast": lambda im, seed: low_contrast(im, 0.3),
    "small_in_frame": lambda im, seed: small_in_frame(im, seed=seed),
}
