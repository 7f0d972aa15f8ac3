"""The evidence overlay: the station's local time and the station/candidate label on every frame.

An expert watching a segment must see when and whom it shows without trusting the player, so
both are burnt into the picture before encoding. OpenCV's Hershey fonts have no Cyrillic, so the
text is drawn with Pillow in DejaVu Sans. The text changes at most once a second: the rendered
box is cached and only copied onto each frame (a slice assignment), which keeps 10 fps at
1280×720 cheap.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_PATHS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)
#: Text and box colours (BGR == RGB for these): white on near-black, readable over any scene.
TEXT = (255, 255, 255)
BOX = (16, 16, 16)


def local_timestamp(moment: dt.datetime) -> str:
    """«23.11.2026 14:05:07»: the capture time in the station's time zone, as people read it."""
    return moment.astimezone().strftime("%d.%m.%Y %H:%M:%S")


def font_size_for(height: int) -> int:
    return max(10, height // 36)


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    for path in FONT_PATHS:
        if path.is_file():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)  # no DejaVu: Latin only, but the timestamp still shows


@lru_cache(maxsize=16)
def render_box(lines: tuple[str, ...], size: int) -> np.ndarray:
    """The text box as a BGR array (cached: the same second and label give the same box)."""
    font = _font(size)
    pad, gap = max(3, size // 3), max(2, size // 5)
    boxes = [font.getbbox(line) for line in lines]
    width = max(box[2] for box in boxes) + 2 * pad
    line_height = size + gap
    image = Image.new("RGB", (width, pad * 2 + line_height * len(lines) - gap), BOX)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((pad, pad + index * line_height), line, font=font, fill=TEXT)
    box = np.asarray(image)[:, :, ::-1]  # RGB → BGR
    box.setflags(write=False)
    return box


def box_origin(frame_height: int, box: np.ndarray) -> tuple[int, int]:
    """Top-left corner (y, x) of the box: the bottom-left corner of the frame, with a margin."""
    margin = max(4, frame_height // 90)
    return max(0, frame_height - box.shape[0] - margin), margin


def draw_overlay(image: np.ndarray, moment: dt.datetime, label: str) -> None:
    """Draw the local time and `label` onto `image` (BGR, height × width × 3, writable) in place."""
    height, width = image.shape[:2]
    lines = (local_timestamp(moment), label) if label else (local_timestamp(moment),)
    box = render_box(lines, font_size_for(height))
    top, left = box_origin(height, box)
    rows, cols = min(box.shape[0], height - top), min(box.shape[1], width - left)
    if rows > 0 and cols > 0:
        image[top:top + rows, left:left + cols] = box[:rows, :cols]
