"""Uploaded images, made here with Pillow: what is stored is re-encoded pixels, upright, with
the colour profile kept and every other piece of the upload's metadata gone; what would cost
too much to decode is refused by its header; the photo's own caption and credit are read."""

from __future__ import annotations

import io
import random
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

from masthead.core import images
from masthead.core.images import MAX_SIDE, process_upload

SCRIPT = b"<script>alert(document.cookie)</script>"
TRAILER = b"<html><body><script>alert('after the end marker')</script></body></html>"
SRGB_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (59.0, 54.0, 47.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (10.0, 45.0, 7.0),
}


def halves(size: tuple[int, int] = (400, 200), mode: str = "RGB") -> Image.Image:
    """Red on the left half, blue on the right: where each ends up shows the rotation."""
    image = Image.new(mode, size, "blue")
    image.paste(Image.new(mode, (size[0] // 2, size[1]), "red"), (0, 0))
    return image


def camera_exif(**tags: Any) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the camera was turned: rotate 90 degrees clockwise
    exif[ExifTags.Base.Make] = "Masthead Test Camera"
    exif[ExifTags.IFD.GPSInfo] = GPS
    for name, value in tags.items():
        exif[ExifTags.Base[name]] = value
    return exif.tobytes()


def iptc_segment(fields: dict[tuple[int, int], bytes]) -> bytes:
    """A JPEG APP13 Photoshop block holding IPTC fields, as Photo Mechanic writes one."""
    iim = b"".join(
        b"\x1c" + bytes(key) + len(value).to_bytes(2, "big") + value
        for key, value in fields.items()
    )
    resource = (
        b"8BIM\x04\x04\x00\x00" + len(iim).to_bytes(4, "big") + iim + b"\x00" * (len(iim) % 2)
    )
    payload = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + (len(payload) + 2).to_bytes(2, "big") + payload


def hostile_jpeg() -> bytes:
    out = io.BytesIO()
    halves().save(out, "JPEG", exif=camera_exif(), comment=SCRIPT, icc_profile=SRGB_ICC)
    return out.getvalue() + TRAILER


def stored(data: bytes) -> tuple[bytes, Image.Image]:
    processed = process_upload(io.BytesIO(data), name="lead")
    content = processed.file.read()
    image = Image.open(io.BytesIO(content))
    assert image.size == (processed.width, processed.height)  # what the story records
    return content, image


def colour_at(image: Image.Image, xy: tuple[int, int]) -> str:
    red, _green, blue = image.convert("RGB").getpixel(xy)[:3]  # type: ignore[index,misc]
    return "red" if red > blue else "blue"


def test_a_jpeg_with_a_script_comment_html_after_its_end_and_gps_is_stored_clean_and_upright() -> (
    None
):
    upload = hostile_jpeg()
    assert SCRIPT in upload and upload.endswith(TRAILER)
    assert Image.open(io.BytesIO(upload)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    content, image = stored(upload)
    assert b"<script" not in content and b"<html" not in content
    assert content.endswith(b"\xff\xd9")  # nothing after the end marker
    assert image.format == "JPEG" and "comment" not in image.info
    assert not image.getexif()  # no EXIF at all: no position, no camera, no orientation left
    assert b"Masthead Test Camera" not in content
    # Upright: the stored 400 x 200 frame, turned, stands 200 x 400 with the left half on top.
    assert image.size == (200, 400)
    assert colour_at(image, (100, 50)) == "red" and colour_at(image, (100, 350)) == "blue"
    assert image.info["icc_profile"] == SRGB_ICC  # the colour profile is kept, byte for byte


def test_a_profile_that_is_not_a_colour_profile_is_dropped() -> None:
    out = io.BytesIO()
    halves().save(out, "JPEG", icc_profile=SCRIPT * 20)
    content, image = stored(out.getvalue())
    assert "icc_profile" not in image.info and b"<script" not in content


def test_png_xmp_text_chunks_and_appended_html_go() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    info.add_itxt("XML:com.adobe.xmp", f"<x:xmpmeta xmlns:x='adobe:ns:meta/'>{SCRIPT}</x:xmpmeta>")
    out = io.BytesIO()
    halves(mode="RGBA").save(out, "PNG", pnginfo=info, exif=camera_exif())
    content, image = stored(out.getvalue() + TRAILER)
    assert image.format == "PNG" and image.mode == "RGBA"
    assert b"<script" not in content and b"<html" not in content
    assert not image.getexif() and not image.text  # type: ignore[attr-defined]
    assert image.size == (200, 400)  # a PNG's EXIF orientation is applied too


def test_webp_stays_webp_lossless_stays_lossless_and_loses_its_metadata() -> None:
    for lossless in (False, True):
        out = io.BytesIO()
        halves().save(
            out, "WEBP", lossless=lossless, exif=camera_exif(), xmp=b"<x:xmpmeta>" + SCRIPT
        )
        content, image = stored(out.getvalue())
        assert image.format == "WEBP" and b"<script" not in content and not image.getexif()
        assert images._webp_is_lossless(content) is lossless
        assert image.size == (200, 400)


def test_an_animated_gif_keeps_its_first_frame_as_a_png() -> None:
    first, second = halves(), Image.new("RGB", (400, 200), "green")
    out = io.BytesIO()
    first.save(out, "GIF", save_all=True, append_images=[second], comment=SCRIPT, loop=0)
    content, image = stored(out.getvalue())
    assert image.format == "PNG" and getattr(image, "n_frames", 1) == 1
    assert colour_at(image, (50, 100)) == "red" and b"<script" not in content


def test_a_palette_image_with_a_transparent_colour_keeps_its_transparency() -> None:
    picture = halves().convert("P", palette=Image.Palette.ADAPTIVE, colors=2)
    out = io.BytesIO()
    picture.save(out, "PNG", transparency=picture.getpixel((0, 0)))
    _content, image = stored(out.getvalue())
    assert image.mode == "RGBA"
    assert image.getpixel((50, 100))[3] == 0 and image.getpixel((350, 100))[3] == 255  # type: ignore[index]


def test_a_cmyk_jpeg_is_stored_as_rgb() -> None:
    out = io.BytesIO()
    halves().convert("CMYK").save(out, "JPEG")
    _content, image = stored(out.getvalue())
    assert image.mode == "RGB" and colour_at(image, (50, 100)) == "red"


def test_sixteen_bit_grey_is_scaled_to_eight_bits_not_clipped() -> None:
    grey = Image.new("I;16", (300, 200), 32768)  # half of full scale
    out = io.BytesIO()
    grey.save(out, "PNG")
    _content, image = stored(out.getvalue())
    assert image.mode == "L" and 120 <= image.getpixel((10, 10)) <= 136  # type: ignore[operator]


def test_a_large_jpeg_is_decoded_at_reduced_scale_and_stored_at_the_kept_size() -> None:
    # 7000 x 4000 is more than may be decoded whole (MAX_DECODED_PIXELS): only decoding at
    # half scale lets it through.
    assert images.MAX_DECODED_PIXELS < 7000 * 4000
    out = io.BytesIO()
    Image.new("L", (7000, 4000), 90).save(out, "JPEG", quality=50)
    _content, image = stored(out.getvalue())
    assert image.size == (MAX_SIDE, MAX_SIDE * 4000 // 7000)


def test_a_png_of_ten_thousand_by_five_thousand_is_refused_before_it_is_decoded() -> None:
    # The review's 194 KB file: 50 megapixels, within the old limit, 200 MB once decoded.
    out = io.BytesIO()
    Image.new("RGB", (10_000, 5_000), "white").save(out, "PNG", compress_level=1)
    with pytest.raises(ValidationError) as refused:
        process_upload(io.BytesIO(out.getvalue()))
    assert refused.value.code == "pixels"
    assert refused.value.messages == [
        "This PNG is 10000 x 5000 pixels. PNG, WebP and GIF images are read whole, so they may "
        "have at most 24 megapixels: scale it down, or upload a JPEG."
    ]


def test_more_pixels_than_any_camera_makes_is_refused_by_the_header() -> None:
    out = io.BytesIO()
    Image.new("1", (10_000, 7_000)).save(out, "PNG")
    with pytest.raises(ValidationError) as refused:
        process_upload(io.BytesIO(out.getvalue()))
    assert refused.value.code == "pixels"
    assert "(10000 x 7000); the limit is 64 megapixels" in refused.value.messages[0]


def test_a_second_upload_waits_its_turn_then_is_told_to_try_again(monkeypatch: Any) -> None:
    monkeypatch.setattr(images, "DECODE_WAIT_SECONDS", 0.01)
    with images._decode_slot(), pytest.raises(ValidationError) as busy:  # another is decoding
        process_upload(io.BytesIO(hostile_jpeg()))
    assert busy.value.code == "busy"
    assert busy.value.messages == ["The server is busy with other photos. Try again in a moment."]
    assert process_upload(io.BytesIO(hostile_jpeg())).file.size  # its turn, once the slot is free


def xmp_packet(**properties: str) -> bytes:
    return (
        "<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?>"
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF "
        "xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
        "<rdf:Description xmlns:dc='http://purl.org/dc/elements/1.1/' "
        f"xmlns:photoshop='http://ns.adobe.com/photoshop/1.0/' "
        f"photoshop:Credit='{properties.get('credit', '')}'>"
        "<dc:description><rdf:Alt><rdf:li xml:lang='de'>Der Hafen</rdf:li>"
        f"<rdf:li xml:lang='x-default'>{properties.get('caption', '')}</rdf:li></rdf:Alt>"
        "</dc:description>"
        f"<dc:creator><rdf:Seq><rdf:li>{properties.get('creator', '')}</rdf:li></rdf:Seq>"
        "</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end='w'?>"
    ).encode()


def test_caption_and_credit_from_xmp() -> None:
    out = io.BytesIO()
    packet = xmp_packet(caption="Ferries at dusk, Oslo", creator="Jo Park", credit="Nordic Wire")
    halves().save(out, "JPEG", xmp=packet)
    processed = process_upload(io.BytesIO(out.getvalue()))
    assert (processed.caption, processed.credit) == ("Ferries at dusk, Oslo", "Jo Park/Nordic Wire")
    assert b"Nordic Wire" not in processed.file.read()


def test_caption_and_credit_from_iptc_in_windows_1252() -> None:
    fields = {
        (2, 120): "Fähren in der Dämmerung".encode("cp1252"),
        (2, 80): b"Jo Park",
        (2, 110): b"Nordic Wire",
    }
    out = io.BytesIO()
    halves().save(out, "JPEG", extra=iptc_segment(fields))
    processed = process_upload(io.BytesIO(out.getvalue()))
    assert (processed.caption, processed.credit) == (
        "Fähren in der Dämmerung",
        "Jo Park/Nordic Wire",
    )


def test_a_cameras_placeholder_is_no_caption_and_copyright_credits_when_nothing_else_does() -> None:
    out = io.BytesIO()
    tags = {"ImageDescription": "OLYMPUS DIGITAL CAMERA", "Copyright": "© 2026 Jo Park".encode()}
    halves().save(out, "JPEG", exif=camera_exif(**tags))
    processed = process_upload(io.BytesIO(out.getvalue()))
    assert (processed.caption, processed.credit) == ("", "© 2026 Jo Park")
    out = io.BytesIO()
    tags = {"ImageDescription": "The harbour\x00\x1b at dawn", "Artist": "Jo Park"}
    halves().save(out, "JPEG", exif=camera_exif(**tags))
    processed = process_upload(io.BytesIO(out.getvalue()))
    assert (processed.caption, processed.credit) == ("The harbour at dawn", "Jo Park")


def test_hostile_metadata_is_only_text() -> None:
    out = io.BytesIO()
    entities = "".join(f"<!ENTITY e{n} '{f'&e{n - 1};' * 10 if n else 'lol'}'>" for n in range(10))
    bomb = f"<?xml version='1.0'?><!DOCTYPE x [{entities}]><x>&e9;</x>".encode()  # 10^9 lols
    halves().save(out, "JPEG", xmp=bomb, extra=iptc_segment({(2, 120): SCRIPT * 30}))
    processed = process_upload(io.BytesIO(out.getvalue()))
    assert processed.caption == (SCRIPT.decode() * 30)[:500]  # text, escaped where it is shown
    assert processed.credit == ""


def test_damaged_files_are_refused_with_a_message_never_an_error() -> None:
    """Seeded byte flips, truncations and insertions in every format: each is stored or
    refused with a ValidationError, nothing else escapes."""
    seeds = []
    for kind, options in [
        ("JPEG", {"exif": camera_exif(), "xmp": xmp_packet(caption="c", creator="a")}),
        ("JPEG", {"extra": iptc_segment({(2, 120): b"x" * 50})}),
        ("PNG", {"exif": camera_exif()}),
        ("GIF", {"comment": SCRIPT}),
        ("WEBP", {"lossless": True}),
    ]:
        out = io.BytesIO()
        halves((64, 48)).save(out, kind, **options)
        seeds.append(out.getvalue())
    chance = random.Random(2026)
    outcomes = {"stored": 0, "refused": 0}
    for _attempt in range(400):
        data = bytearray(chance.choice(seeds))
        where = chance.randrange(len(data))
        if chance.random() < 0.5:
            data[where] = chance.randrange(256)
        elif chance.random() < 0.5:
            del data[where:]
        else:
            data[where:where] = chance.randbytes(chance.randint(1, 40))
        try:
            process_upload(io.BytesIO(bytes(data)))
            outcomes["stored"] += 1
        except ValidationError:
            outcomes["refused"] += 1
    assert outcomes["stored"] and outcomes["refused"]
