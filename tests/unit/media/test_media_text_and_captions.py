"""Text layout, font metrics and caption parsing/ASS generation: pure functions as data."""

from __future__ import annotations

import pytest

from renderowl.errors import ValidationFailedError
from renderowl.fonts import DEFAULT_BOLD_FONT, DEFAULT_FONT
from renderowl.media.captions import CaptionLook, ass_color, build_ass, parse_captions
from renderowl.media.fontmetrics import load_metrics
from renderowl.media.text import layout, wrap

LOOK = CaptionLook(
    family="DejaVu Sans", size=40, bold=True, color="#ffffff", highlight="#ffd400", background=None,
    stroke_color="#000000", stroke_width=2, position="bottom", margin_v=20, margin_h=16,
)  # fmt: skip


def test_shipped_fonts_are_measured() -> None:
    # Given the shipped regular and bold fonts
    regular, bold = load_metrics(DEFAULT_FONT), load_metrics(DEFAULT_BOLD_FONT)

    # Then the family is known, bold is wider, and widths scale with size
    assert regular.family == bold.family == "DejaVu Sans"
    assert bold.text_width("Hello", 40) > regular.text_width("Hello", 40)
    assert regular.text_width("Hello", 80) == pytest.approx(2 * regular.text_width("Hello", 40))
    assert 1.0 < regular.line_height(1) < 1.3


def test_wrap_keeps_lines_within_the_width() -> None:
    # Given a sentence and a narrow width
    metrics = load_metrics(DEFAULT_FONT)
    text = "Renderowl turns a JSON timeline into one FFmpeg run"

    # When wrapped at 200 px for 30 px text
    lines = wrap(text, metrics, 30, 200)

    # Then no line is wider than the limit and no word is lost
    assert len(lines) > 1
    assert all(metrics.text_width(line, 30) <= 200 for line in lines)
    assert " ".join(lines) == text


def test_wrap_breaks_overlong_words_and_keeps_newlines() -> None:
    metrics = load_metrics(DEFAULT_FONT)
    lines = wrap("first\n" + "x" * 40, metrics, 20, 100)
    assert lines[0] == "first" and "".join(lines[1:]) == "x" * 40


def test_layout_sizes_canvas_to_text_plus_padding() -> None:
    # Given one short line with a box
    metrics = load_metrics(DEFAULT_FONT)

    # When laid out
    result = layout("Hi", metrics, size=40, max_width=1000, padding=10, stroke=0, line_spacing=0)

    # Then the canvas is even-sized and holds the text and its padding
    assert result.lines == ["Hi"]
    assert result.width % 2 == 0 and result.height % 2 == 0
    assert result.width >= metrics.text_width("Hi", 40) + 2 * 10
    assert result.height >= metrics.line_height(40) + 2 * 10


def test_srt_cues_are_parsed() -> None:
    # Given an SRT document with CRLF line ends
    srt = "1\r\n00:00:01,000 --> 00:00:02,500\r\nHello <b>there</b>\r\nsecond line\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\nBye\r\n"

    # When parsed
    cues = parse_captions(srt)

    # Then times and text (tags stripped) are kept
    assert [(c.start, c.end, c.text) for c in cues] == [
        (1.0, 2.5, "Hello there\nsecond line"),
        (3.0, 4.0, "Bye"),
    ]
    assert cues[0].segments == []


def test_webvtt_inline_timestamps_become_word_segments() -> None:
    # Given a WebVTT cue with word timings
    vtt = "WEBVTT\n\nintro\n00:01.000 --> 00:02.000 align:center\n<00:01.000>One <00:01.400><c>two</c> <00:01.700>three\n"

    # When parsed
    (cue,) = parse_captions(vtt)

    # Then each word has its own time span, up to the cue's end
    assert cue.text == "One two three"
    assert [(s.start, s.end, s.text) for s in cue.segments] == [
        (1.0, 1.4, "One "),
        (1.4, 1.7, "two "),
        (1.7, 2.0, "three"),
    ]


def test_caption_file_without_cues_is_refused() -> None:
    with pytest.raises(ValidationFailedError):
        parse_captions("WEBVTT\n\nNOTE nothing here\n")


def test_ass_colours_are_bgr_with_inverted_alpha() -> None:
    assert ass_color("#ffd400") == "&H0000D4FF"
    assert ass_color("#00000080") == "&H7F000000"


def test_build_ass_shifts_clips_and_highlights_the_spoken_word() -> None:
    # Given one plain cue and one cue with word timings, and a clip starting at 10 s that ends at 11.5 s
    cues = parse_captions(
        "WEBVTT\n\n00:00.000 --> 00:01.000\nplain {x}\n\n00:01.000 --> 00:03.000\n<00:01.000>a <00:02.000>b\n"
    )

    # When the ASS script is built
    script = build_ass(cues, LOOK, width=320, height=180, offset=10, window=(10, 11.5))

    # Then events are shifted, clipped to the window, braces neutralised, and the current word coloured
    events = [line for line in script.splitlines() if line.startswith("Dialogue:")]
    assert events == [
        "Dialogue: 0,0:00:10.00,0:00:11.00,Default,,0,0,0,,plain (x)",
        "Dialogue: 0,0:00:11.00,0:00:11.50,Default,,0,0,0,,{\\c&H00D4FF&}a {\\c&HFFFFFF&}b",
    ]
    assert "PlayResX: 320" in script and "Style: Default,DejaVu Sans,40," in script
