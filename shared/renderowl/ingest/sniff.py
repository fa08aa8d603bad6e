"""Identify a file by its first bytes, never by its name or declared type.

Each accepted signature maps to exactly one FFmpeg demuxer, which every later probe and decode pins:
a text HLS playlist named ``clip.mp4`` would otherwise be auto-detected by FFmpeg and make it open
local files or fetch URLs. Text that looks like a playlist, a concat list or a web page is rejected
here, before any FFmpeg code sees it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from renderowl.ingest.rejections import Reason, Rejected

Kind = Literal["video", "audio", "image", "font", "captions"]

HEAD_BYTES = 4096


@dataclass(frozen=True)
class Identified:
    kind: Kind | None  # None: decided by the streams (an MP4 may hold only audio)
    demuxer: str | None  # the FFmpeg demuxer to pin; None for files FFmpeg never opens (fonts)
    label: str  # a short name of the format, for metadata


_SRT_START = re.compile(r"^\d+\s*\r?\n\d{1,2}:\d{2}:\d{2}[,.]\d{3}\s*-->", re.MULTILINE)
_TEXT_REJECTS: list[tuple[tuple[str, ...], Reason, str]] = [
    (("#extm3u", "#ext-x-", "#extinf"), Reason.PLAYLIST, "an HLS playlist, not a media file"),
    (("<mpd", "urn:mpeg:dash"), Reason.PLAYLIST, "a DASH manifest, not a media file"),
    (("[playlist]", "<asx", "<smil"), Reason.PLAYLIST, "a playlist, not a media file"),
    (("ffconcat",), Reason.CONCAT_LIST, "an FFmpeg concat list, not a media file"),
    (
        ("<!doctype html", "<html", "<head", "<body", "<script"),
        Reason.NOT_MEDIA,
        "an HTML page, not a media file",
    ),
]


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head[:1024]:
        return False
    try:
        head[:1024].decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > 1000  # a multi-byte character cut at the boundary
    return True


def identify(head: bytes) -> Identified:
    """What the file is, from its first ``HEAD_BYTES`` bytes; raises `Rejected` otherwise."""
    if not head:
        raise Rejected(Reason.EMPTY_FILE, "the file is empty")
    b = head
    if b[4:8] == b"ftyp" or b[4:8] in {b"moov", b"mdat", b"wide", b"free", b"skip"}:
        return Identified(None, "mov", "mp4")
    if b[:4] == b"\x1a\x45\xdf\xa3":
        return Identified(None, "matroska", "matroska")
    if b[:4] == b"RIFF" and b[8:12] == b"WAVE":
        return Identified("audio", "wav", "wav")
    if b[:4] == b"RIFF" and b[8:12] == b"AVI ":
        return Identified(None, "avi", "avi")
    if b[:4] == b"RIFF" and b[8:12] == b"WEBP":
        return Identified("image", "webp_pipe", "webp")
    if b[:4] == b"OggS":
        return Identified("audio", "ogg", "ogg")
    if b[:4] == b"fLaC":
        return Identified("audio", "flac", "flac")
    if b[:3] == b"ID3":
        return Identified("audio", "mp3", "mp3")
    if len(b) > 1 and b[0] == 0xFF and (b[1] & 0xE0) == 0xE0:
        # MPEG audio frame sync: layer bits 00 mean ADTS (AAC), anything else MP3.
        return Identified("audio", "aac", "aac") if (b[1] & 0x06) == 0 else Identified("audio", "mp3", "mp3")
    if b[:8] == b"\x89PNG\r\n\x1a\n":
        return Identified("image", "png_pipe", "png")
    if b[:3] == b"\xff\xd8\xff":
        return Identified("image", "jpeg_pipe", "jpeg")
    if b[:6] in {b"GIF87a", b"GIF89a"}:
        return Identified("image", "gif", "gif")
    if b[:4] in {b"\x00\x01\x00\x00", b"OTTO", b"true"}:
        return Identified("font", None, "otf" if b[:4] == b"OTTO" else "ttf")
    if _looks_like_text(b):
        return _identify_text(b.decode("utf-8", "ignore"))
    raise Rejected(
        Reason.UNSUPPORTED_FORMAT, "the file is not a supported video, audio, image, font or caption format"
    )


def image_size(head: bytes) -> tuple[int, int] | None:
    """Width and height an image's header claims (PNG, GIF, JPEG, WebP), before anything decodes it.

    FFmpeg's image demuxers learn the size only when decoding, and a header can claim 100000x100000
    in a few bytes; reading the dozen header bytes ourselves lets ingest refuse it first. (A parser
    this small is not worth a dependency.)
    """
    b = head
    if b[:8] == b"\x89PNG\r\n\x1a\n" and b[12:16] == b"IHDR":
        return int.from_bytes(b[16:20], "big"), int.from_bytes(b[20:24], "big")
    if b[:6] in {b"GIF87a", b"GIF89a"}:
        return int.from_bytes(b[6:8], "little"), int.from_bytes(b[8:10], "little")
    if b[:4] == b"RIFF" and b[8:12] == b"WEBP":
        chunk = b[12:16]
        if chunk == b"VP8X":
            return int.from_bytes(b[24:27], "little") + 1, int.from_bytes(b[27:30], "little") + 1
        if chunk == b"VP8L" and len(b) >= 25:
            bits = int.from_bytes(b[21:25], "little")
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        if chunk == b"VP8 " and len(b) >= 30:
            return int.from_bytes(b[26:28], "little") & 0x3FFF, int.from_bytes(b[28:30], "little") & 0x3FFF
        return None
    if b[:3] == b"\xff\xd8\xff":
        i = 2
        while i + 9 < len(b):
            if b[i] != 0xFF:
                return None
            marker, length = b[i + 1], int.from_bytes(b[i + 2 : i + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                return int.from_bytes(b[i + 7 : i + 9], "big"), int.from_bytes(b[i + 5 : i + 7], "big")
            i += 2 + length
    return None


def _identify_text(text: str) -> Identified:
    body = text.lstrip("\ufeff \t\r\n")
    lower = body.lower()
    for markers, reason, message in _TEXT_REJECTS:
        if any(marker in lower[:2048] for marker in markers):
            raise Rejected(reason, f"the file is {message}")
    if re.search(r"^\s*file\s+['\"]?[\w/.:-]", lower, re.MULTILINE):
        raise Rejected(Reason.CONCAT_LIST, "the file is an FFmpeg concat list, not a media file")
    if lower.startswith("webvtt"):
        return Identified("captions", None, "vtt")
    if _SRT_START.match(body):
        return Identified("captions", None, "srt")
    raise Rejected(Reason.NOT_MEDIA, "the file is text, not media")
