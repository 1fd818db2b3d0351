"""The caption and credit a photo carries, read from its metadata before that is dropped.

Agencies and photographers write them in IPTC (in a JPEG's Photoshop block), in XMP (any
format), or, with cameras, in EXIF. XMP is read first (Unicode, and what current tools
write), then IPTC, then EXIF.

- caption: XMP dc:description, IPTC Caption/Abstract (2:120), EXIF ImageDescription (but not
  the placeholder some cameras write there, "OLYMPUS DIGITAL CAMERA" and the like);
- credit: the photographer (XMP dc:creator, IPTC By-line 2:80, EXIF Artist) and the credit
  line (XMP photoshop:Credit, IPTC Credit 2:110), as "Photographer/Agency" in the desk's
  style; with neither, the copyright notice (XMP dc:rights, IPTC 2:116, EXIF Copyright),
  which names whom a reader should credit when nothing else does.

All of it is text from the uploader: cleaned of control characters, cut to the form's
lengths, and escaped like any other text where it is shown.
"""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from PIL import ExifTags, Image, ImageFile, IptcImagePlugin

CAPTION_MAX_LENGTH = 500  # Story.image_caption
CREDIT_MAX_LENGTH = 200  # Story.image_credit

RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"
PHOTOSHOP = "{http://ns.adobe.com/photoshop/1.0/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

IPTC_CAPTION, IPTC_BYLINE, IPTC_CREDIT, IPTC_COPYRIGHT = (2, 120), (2, 80), (2, 110), (2, 116)

# What cameras write into ImageDescription when nobody wrote a caption (compared lowercased).
CAMERA_PLACEHOLDERS = frozenset(
    {
        "olympus digital camera",
        "sony dsc",
        "digital camera",
        "minolta digital camera",
        "konica minolta digital camera",
        "samsung camera pictures",
        "exif_jpeg_picture",
        "default",
        "untitled",
        "image",
        "picture",
    }
)


@dataclass(frozen=True)
class PhotoText:
    caption: str = ""
    credit: str = ""


def photo_text(image: ImageFile.ImageFile) -> PhotoText:
    """The caption and credit an opened image's metadata offers (blank where it has none)."""
    xmp, iptc, exif = _xmp(image), _iptc(image), _exif(image)
    caption = _first(xmp.get("description"), iptc.get("caption"), exif.get("description"))
    creator = _first(xmp.get("creator"), iptc.get("creator"), exif.get("creator"))
    credit_line = _first(xmp.get("credit"), iptc.get("credit"))
    rights = _first(xmp.get("rights"), iptc.get("rights"), exif.get("rights"))
    return PhotoText(
        caption=_clean(caption, CAPTION_MAX_LENGTH),
        credit=_clean(_credit(creator, credit_line) or rights, CREDIT_MAX_LENGTH),
    )


def _credit(creator: str, credit_line: str) -> str:
    if creator and credit_line and creator.casefold() not in credit_line.casefold():
        return f"{creator}/{credit_line}"
    return credit_line or creator


def _first(*values: str | None) -> str:
    return next((value.strip() for value in values if value and value.strip()), "")


def _clean(text: str, limit: int) -> str:
    kept = "".join(
        " " if unicodedata.category(char) in {"Cc", "Zl", "Zp"} else char
        for char in text
        if unicodedata.category(char) not in {"Cf", "Cs", "Co", "Cn"}
    )
    return " ".join(kept.split())[:limit].rstrip()


def _decoded(value: Any) -> str:
    if isinstance(value, list):
        value = b", ".join(part for part in value if isinstance(part, bytes))
    if isinstance(value, str):
        return value.rstrip("\x00")
    if not isinstance(value, bytes):
        return ""
    value = value.rstrip(b"\x00")
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("cp1252", errors="replace")  # legacy IPTC is Windows-1252 in practice


def _exif(image: Image.Image) -> dict[str, str]:
    try:
        exif = image.getexif()
    except (SyntaxError, OSError, ValueError, TypeError, KeyError):
        return {}

    def text(tag: int) -> str:
        value = exif.get(tag)
        if isinstance(value, str):  # Pillow reads EXIF text as Latin-1; it is UTF-8 in practice
            value = value.encode("latin-1", errors="replace")
        return _decoded(value)

    description = text(ExifTags.Base.ImageDescription).strip()
    if description.casefold() in CAMERA_PLACEHOLDERS:
        description = ""
    return {
        "description": description,
        "creator": text(ExifTags.Base.Artist),
        "rights": text(ExifTags.Base.Copyright),
    }


def _iptc(image: ImageFile.ImageFile) -> dict[str, str]:
    try:
        info = IptcImagePlugin.getiptcinfo(image)  # a JPEG's Photoshop block; None elsewhere
    except (SyntaxError, OSError, ValueError, TypeError, IndexError, KeyError):
        return {}
    if not info:
        return {}
    return {
        "caption": _decoded(info.get(IPTC_CAPTION)),
        "creator": _decoded(info.get(IPTC_BYLINE)),
        "credit": _decoded(info.get(IPTC_CREDIT)),
        "rights": _decoded(info.get(IPTC_COPYRIGHT)),
    }


def _xmp(image: Image.Image) -> dict[str, str]:
    packet = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
    if isinstance(packet, str):
        packet = packet.encode("utf-8")
    if not isinstance(packet, bytes) or not packet.strip(b"\x00 \r\n\t"):
        return {}
    try:
        # Expat (2.4.1 and later, as Python 3.11 ships) refuses entity-expansion bombs, and
        # ElementTree fetches no external entities: a hostile packet only fails to parse.
        root = ET.fromstring(packet.strip(b"\x00 \r\n\t"))  # noqa: S314
    except ET.ParseError:
        return {}
    return {
        "description": _xmp_value(root, f"{DC}description"),
        "creator": _xmp_value(root, f"{DC}creator"),
        "credit": _xmp_value(root, f"{PHOTOSHOP}Credit"),
        "rights": _xmp_value(root, f"{DC}rights"),
    }


def _xmp_value(root: ET.Element, tag: str) -> str:
    """A property written as an attribute of rdf:Description, as an element's text, or as
    an rdf:Alt (the x-default language) or rdf:Seq/Bag (all, joined) of rdf:li."""
    for description in root.iter(f"{RDF}Description"):
        if description.get(tag):
            return description.get(tag, "")
    element = root.find(f".//{tag}")
    if element is None:
        return ""
    items = element.findall(f".//{RDF}li")
    if not items:
        return element.text or ""
    if element.find(f"{RDF}Alt") is not None:
        chosen = next((i for i in items if i.get(XML_LANG) == "x-default"), items[0])
        return chosen.text or ""
    return ", ".join(item.text.strip() for item in items if item.text and item.text.strip())
