"""Uploaded images: checked, bounded, decoded at the size we keep, and re-encoded.

What is stored and served is pixels Pillow wrote, never the uploader's bytes: no comment
segment, nothing after the end of the image (no polyglot file), no EXIF (a camera's GPS
position included), XMP or IPTC. The photo is turned upright (EXIF orientation) and keeps its
ICC colour profile, checked to be one, so its colours look as shot. Before the metadata goes,
the caption and credit it carries are read for the desk to offer (``ProcessedImage``).

Decoding is what costs memory: Pillow holds 4 bytes a pixel, so a 10000 x 5000 PNG of 194 KB
becomes 200 MB. The size in the header is checked before anything is decoded; a JPEG larger
than what is kept is decoded at a reduced scale (``Image.draft``); other formats, decoded
whole, may only be as large as MAX_DECODED_PIXELS; and a process decodes one image at a time.
docs/decisions/0012-uploaded-images.md says why each choice; docs/performance.md has figures.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from .photometadata import photo_text

FORMAT_SUFFIXES = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}  # a GIF is kept as a PNG
MAX_SIDE = 2400  # wider than any story column at 2x density; larger uploads are scaled down
# The largest frame of a 61-megapixel camera, the most any camera in news use makes; a JPEG
# that large is decoded at half scale or less, so it costs what an 8-megapixel one would.
MAX_PIXELS = 64_000_000
# What one decode may hold, about 96 MB at 4 bytes a pixel: a 6000 x 4000 PNG or WebP (half
# that with transparency, which Pillow copies once more to scale); never reached by a JPEG,
# which is decoded at no more than twice MAX_SIDE.
MAX_DECODED_PIXELS = 24_000_000
JPEG_QUALITY = 88  # re-encoding an agency's photo shows no loss at this, and it stays small
WEBP_QUALITY = 85  # above Pillow's 80, for the same reason: a lead photo is looked at closely
# Display profiles are a few KB, print (CMYK) ones up to a few MB; larger is not a profile.
ICC_MAX_BYTES = 4 * 1_048_576
DECODES_AT_ONCE = 1  # per process: a second upload waits rather than double the memory
DECODE_WAIT_SECONDS = 10.0  # longer than several decodes take; then "busy, try again"

_decoding = threading.BoundedSemaphore(DECODES_AT_ONCE)
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_ALPHA_MODES = {"RGBA", "LA", "PA", "RGBa", "La"}
_COLOUR_SPACE_OF_MODE = {"RGB": "RGB ", "RGBA": "RGB ", "L": "GRAY", "LA": "GRAY"}


@dataclass(frozen=True)
class ProcessedImage:
    """An upload, re-encoded, its size in pixels, and the caption and credit it carried
    (blank if none)."""

    file: ContentFile[bytes]
    width: int
    height: int
    caption: str = ""
    credit: str = ""


def process_upload(upload: IO[bytes], *, name: str = "image") -> ProcessedImage:
    """Check, decode and re-encode an uploaded image; ValidationError says what is wrong."""
    data = _read_bounded(upload)
    with _decode_slot():
        try:
            image = Image.open(io.BytesIO(data))
            _check_header(image)
            _draft(image)
            _check_decoded_size(image)
            image.load()  # of a GIF or an animated WebP, the first frame only
            text = photo_text(image)
            encoded, suffix, (width, height) = _reencode(image, data)
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,
            OSError,
            EOFError,
            SyntaxError,
            ValueError,
        ) as error:
            raise ValidationError(
                _("This file is not an image we can read."), code="invalid"
            ) from error
    return ProcessedImage(
        file=ContentFile(encoded, name=f"{name}.{suffix}"),
        width=width,
        height=height,
        caption=text.caption,
        credit=text.credit,
    )


def _read_bounded(upload: IO[bytes]) -> bytes:
    limit = settings.MASTHEAD_MAX_IMAGE_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            _("The image is %(size)s MB; the limit is %(limit)s MB."),
            code="too_large",
            params={"size": round(size / 1_048_576, 1), "limit": round(limit / 1_048_576, 1)},
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("The image is larger than %(limit)s MB."),
            code="too_large",
            params={"limit": round(limit / 1_048_576, 1)},
        )
    return data


@contextmanager
def _decode_slot() -> Iterator[None]:
    if not _decoding.acquire(timeout=DECODE_WAIT_SECONDS):
        raise ValidationError(
            _("The server is busy with other photos. Try again in a moment."), code="busy"
        )
    try:
        yield
    finally:
        _decoding.release()


def _check_header(image: Image.Image) -> None:
    """Refuse by what the header says, before a pixel is decoded (Image.open is lazy)."""
    if image.format not in {"JPEG", "PNG", "WEBP", "GIF"}:
        raise ValidationError(
            _("Upload a JPEG, PNG, WebP or GIF image (this file is %(format)s)."),
            code="format",
            params={"format": image.format or _("unknown")},
        )
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ValidationError(
            _("The image has too many pixels (%(w)s x %(h)s); the limit is %(mp)s megapixels."),
            code="pixels",
            params={"w": width, "h": height, "mp": MAX_PIXELS // 1_000_000},
        )


def _draft(image: Image.Image) -> None:
    """A JPEG is decoded at the smallest scale (1/2, 1/4, 1/8) still as large as what is
    kept; other formats have no such thing and are decoded whole."""
    if image.format == "JPEG":
        image.draft(None, _fitted(image.size))


def _check_decoded_size(image: Image.Image) -> None:
    limit = MAX_DECODED_PIXELS // 2 if _has_alpha(image) else MAX_DECODED_PIXELS
    width, height = image.size  # after draft: what will be decoded
    if width * height > limit:
        raise ValidationError(
            _(
                "This %(format)s is %(w)s x %(h)s pixels. PNG, WebP and GIF images are read "
                "whole, so they may have at most %(mp)s megapixels: scale it down, or upload "
                "a JPEG."
            ),
            code="pixels",
            params={"format": image.format, "w": width, "h": height, "mp": limit // 1_000_000},
        )


def _fitted(size: tuple[int, int]) -> tuple[int, int]:
    """``size`` scaled to fit MAX_SIDE, rounded down (so draft's scale is never too coarse)."""
    width, height = size
    scale = min(1.0, MAX_SIDE / max(width, height))
    return max(1, int(width * scale)), max(1, int(height * scale))


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in _ALPHA_MODES or "transparency" in image.info


def _reencode(image: Image.Image, data: bytes) -> tuple[bytes, str, tuple[int, int]]:
    source_format = image.format
    icc = image.info.get("icc_profile") or b""
    working = _scalable(image)
    working.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    working = ImageOps.exif_transpose(working)
    working, icc = _colours(working, icc)
    working.info = {}  # nothing of the upload's is written but what is passed below
    out = io.BytesIO()
    if source_format == "JPEG":
        if working.mode not in {"L", "RGB"}:
            working = working.convert("RGB")
        working.save(
            out,
            "JPEG",
            quality=JPEG_QUALITY,
            optimize=True,
            progressive=True,
            icc_profile=icc or None,
        )
        return out.getvalue(), FORMAT_SUFFIXES["JPEG"], working.size
    if source_format == "WEBP":
        if working.mode not in {"RGB", "RGBA"}:
            working = working.convert("RGBA" if _has_alpha(working) else "RGB")
        working.save(
            out, "WEBP", quality=WEBP_QUALITY, lossless=_webp_is_lossless(data), icc_profile=icc
        )
        return out.getvalue(), FORMAT_SUFFIXES["WEBP"], working.size
    # PNG, and a GIF's first frame: lossless, and in full colour once scaled.
    working.save(out, "PNG", optimize=True, icc_profile=icc or None)
    return out.getvalue(), FORMAT_SUFFIXES["PNG"], working.size


def _scalable(image: Image.Image) -> Image.Image:
    """The image in a mode Pillow scales smoothly (L, LA, RGB, RGBA; CMYK is converted after
    scaling): palettes and single bits are expanded, a colour key (tRNS) becomes alpha."""
    mode, alpha = image.mode, _has_alpha(image)
    if mode.startswith("I;16") or mode == "I":
        # 16-bit grey to 8 bits by scaling: convert("L") would clip everything above 255.
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if mode in {"1", "L"}:
        return image.convert("LA" if alpha else "L")
    if mode in {"P", "PA"} or (mode == "RGB" and alpha):
        return image.convert("RGBA" if alpha else "RGB")
    if mode in {"LA", "RGB", "RGBA", "CMYK"}:
        return image
    return image.convert("RGBA" if alpha else "RGB")


def _colours(image: Image.Image, icc: bytes) -> tuple[Image.Image, bytes]:
    """The image in L, LA, RGB or RGBA, and the profile to embed (b"" for none): the upload's
    own if it is a real profile for the image's colour space; CMYK becomes sRGB through it."""
    profile = _profile(icc)
    if image.mode == "CMYK":
        if profile is not None and profile.profile.xcolor_space == "CMYK":
            try:
                converted = ImageCms.profileToProfile(image, profile, _SRGB, outputMode="RGB")
            except ImageCms.PyCMSError:
                converted = None
            if converted is not None:
                return converted, b""
        return image.convert("RGB"), b""
    if profile is None or _COLOUR_SPACE_OF_MODE.get(image.mode) != profile.profile.xcolor_space:
        return image, b""
    return image, icc


def _profile(icc: bytes) -> ImageCms.ImageCmsProfile | None:
    if not icc or len(icc) > ICC_MAX_BYTES:
        return None
    try:
        return ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (OSError, ImageCms.PyCMSError):
        return None


def _webp_is_lossless(data: bytes) -> bool:
    """Whether a WebP file's image is lossless (a VP8L chunk), so it stays lossless."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return False
    offset = 12
    while offset + 8 <= len(data):
        kind, size = (
            data[offset : offset + 4],
            int.from_bytes(data[offset + 4 : offset + 8], "little"),
        )
        if kind in {b"VP8 ", b"VP8L"}:
            return kind == b"VP8L"
        offset += 8 + size + (size & 1)
    return False
