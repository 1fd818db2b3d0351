"""Uploaded images: checked, stripped of metadata, bounded in size, re-encoded.

Re-encoding means what we serve is pixels Pillow wrote, never the uploader's bytes: no
polyglot files, no GPS position in EXIF, and a sane size for a story page.
"""

from __future__ import annotations

import io
import warnings
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
MAX_SIDE = 2400  # wider than any story column at 2x density; larger uploads are scaled down
MAX_PIXELS = 50_000_000  # a decompression bomb is refused before it is decoded
JPEG_QUALITY = 88


def process_upload(upload: IO[bytes], *, name: str = "image") -> ContentFile:
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
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ACCEPTED_FORMATS:
                raise ValidationError(
                    _("Upload a JPEG, PNG, WebP or GIF image (this file is %(format)s)."),
                    code="format",
                    params={"format": probe.format or _("unknown")},
                )
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(
                    _("The image has too many pixels (%(w)s x %(h)s)."),
                    code="pixels",
                    params={"w": probe.width, "h": probe.height},
                )
            probe.verify()
            image: Image.Image = Image.open(io.BytesIO(data))
            image.load()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
    ) as error:
        raise ValidationError(
            _("This file is not an image we can read."), code="invalid"
        ) from error

    source_format = image.format or "PNG"
    image = ImageOps.exif_transpose(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    if source_format == "JPEG" or (source_format in {"WEBP", "GIF"} and image.mode == "RGB"):
        image.convert("RGB").save(
            out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True
        )
        suffix = "jpg"
    else:
        if image.mode not in {"RGB", "RGBA", "L", "LA", "P"}:
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
        suffix = "png"
    return ContentFile(out.getvalue(), name=f"{name}.{suffix}")
