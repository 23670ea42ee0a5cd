"""The public face of a work: a small watermarked preview of an image, or a generated card.

The original never leaves the platform unencrypted except to whoever may download it, so the
public preview must be useless as a substitute: at most 640 px, JPEG, and watermarked across.
Text on previews is Latin only: Pillow's built-in font has no CJK glyphs and the platform ships
no font files; the page around the preview shows the title in any language.
"""

from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from cityverse.modules.assets.works.media import MediaType

PREVIEW_SIZE = 640
PREVIEW_MIME = "image/jpeg"
# Refuse images whose pixel count would need more memory than a preview is worth (and before
# Pillow's own decompression-bomb warning).
MAX_PIXELS = 40_000_000
WATERMARK = "CITYVERSE  PREVIEW"
KIND_LABELS = {
    "image": "IMAGE", "model": "3D MODEL", "audio": "AUDIO", "video": "VIDEO",
    "document": "DOCUMENT",
}
KIND_COLOURS = {
    "image": (46, 125, 50), "model": (21, 101, 192), "audio": (123, 31, 162),
    "video": (198, 40, 40), "document": (69, 90, 100),
}


class PreviewError(ValueError):
    """The file claims to be an image but cannot be decoded as one."""


def image_preview(data: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as opened:
            width, height = opened.size
            if width * height > MAX_PIXELS:
                raise PreviewError(f"image of {width}x{height} pixels is too large")
            opened.load()
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise PreviewError(f"not a decodable image: {exc}") from None
    image.thumbnail((PREVIEW_SIZE, PREVIEW_SIZE))
    return _jpeg(_watermark(image))


def _watermark(image: Image.Image) -> Image.Image:
    """Tile the watermark diagonally over the whole picture, half transparent."""
    side = int(math.hypot(*image.size)) + 1
    layer = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    font = ImageFont.load_default(size=max(12, image.width // 18))
    step_y = max(24, image.width // 7)
    for row, y in enumerate(range(0, side, step_y)):
        offset = (row % 2) * step_y
        for x in range(-step_y, side, int(font.getlength(WATERMARK)) + step_y):
            draw.text((x + offset, y), WATERMARK, font=font, fill=(255, 255, 255, 96))
    layer = layer.rotate(30, resample=Image.Resampling.BICUBIC)
    left, top = (side - image.width) // 2, (side - image.height) // 2
    layer = layer.crop((left, top, left + image.width, top + image.height))
    return Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB")


def placeholder_card(media: MediaType, size_bytes: int, sha256_hex: str) -> bytes:
    """A card standing for a work that has no picture of its own (3D, audio, video, PDF)."""
    image = Image.new("RGB", (PREVIEW_SIZE, 400), KIND_COLOURS.get(media.kind, (60, 60, 60)))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((24, 24, PREVIEW_SIZE - 24, 376), radius=24,
                           outline=(255, 255, 255), width=3)
    draw.text((56, 70), KIND_LABELS.get(media.kind, "WORK"), font=ImageFont.load_default(56),
              fill=(255, 255, 255))
    small = ImageFont.load_default(26)
    draw.text((56, 170), f".{media.extension}  ·  {_human_size(size_bytes)}", font=small,
              fill=(255, 255, 255))
    draw.text((56, 230), f"SHA-256 {sha256_hex[:16]}…", font=small, fill=(235, 235, 235))
    draw.text((56, 310), "CITYVERSE", font=ImageFont.load_default(22), fill=(255, 255, 255))
    return _jpeg(image)


def _human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82, optimize=True)
    return out.getvalue()
