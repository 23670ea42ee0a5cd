"""What a work file is, told by its first bytes, never by its name or the browser's claim."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MediaType:
    mime: str
    kind: str  # image, model, audio, video, document
    extension: str


PNG = MediaType("image/png", "image", "png")
JPEG = MediaType("image/jpeg", "image", "jpg")
WEBP = MediaType("image/webp", "image", "webp")
GLB = MediaType("model/gltf-binary", "model", "glb")
MP3 = MediaType("audio/mpeg", "audio", "mp3")
WAV = MediaType("audio/wav", "audio", "wav")
OGG = MediaType("audio/ogg", "audio", "ogg")
MP4 = MediaType("video/mp4", "video", "mp4")
WEBM = MediaType("video/webm", "video", "webm")
PDF = MediaType("application/pdf", "document", "pdf")

ACCEPTED = (PNG, JPEG, WEBP, GLB, MP3, WAV, OGG, MP4, WEBM, PDF)
KINDS = ("image", "model", "audio", "video", "document")
# Enough of the head of a file for every check below.
HEAD_SIZE = 64


def _riff(head: bytes, form: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == form


def _mpeg_audio(head: bytes) -> bool:
    if head[:3] == b"ID3":
        return True
    # An MPEG audio frame header: 11 sync bits, a defined version, layer III.
    return len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and \
        head[1] & 0x18 != 0x08 and head[1] & 0x06 == 0x02


def _glb(head: bytes) -> bool:
    # glTF 2.0 binary container: magic "glTF", then version 2 (little-endian uint32).
    return head[:4] == b"glTF" and head[4:8] == (2).to_bytes(4, "little")


def _webm(head: bytes) -> bool:
    # An EBML document whose DocType is "webm" (Matroska files say "matroska").
    return head[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in head[:HEAD_SIZE]


def sniff(head: bytes) -> MediaType | None:
    """The accepted type whose signature the file starts with, or None."""
    checks: tuple[tuple[bool, MediaType], ...] = (
        (head[:8] == b"\x89PNG\r\n\x1a\n", PNG),
        (head[:3] == b"\xff\xd8\xff", JPEG),
        (_riff(head, b"WEBP"), WEBP),
        (_glb(head), GLB),
        (_riff(head, b"WAVE"), WAV),
        (head[:4] == b"OggS", OGG),
        (head[4:8] == b"ftyp", MP4),
        (_webm(head), WEBM),
        (head[:5] == b"%PDF-", PDF),
        (_mpeg_audio(head), MP3),
    )
    return next((media for matched, media in checks if matched), None)


def by_mime(mime: str) -> MediaType | None:
    return next((media for media in ACCEPTED if media.mime == mime), None)
