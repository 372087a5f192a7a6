"""Google Slides API requests for one slide's items: text boxes, shapes and native tables.

Sizes and positions are in points: a 1280x720 CSS px slide maps to Google's default 720x405 pt
page. Text indexes count UTF-16 code units, as the Slides API does.
"""

from __future__ import annotations

import re
from typing import Any

from slidegen.export.layout import Item
from slidegen.export.text import Para, Run, TextStyle

PT = 720.0 / 1280.0  # points per CSS px
PAGE_SIZE = {
    "width": {"magnitude": 720.0, "unit": "PT"},
    "height": {"magnitude": 405.0, "unit": "PT"},
}
_CONTROL = re.compile(r"[\x00-\x08\x0c\x0e-\x1f\x7f]")
_ALIGN = {"center": "CENTER", "right": "END", "justify": "JUSTIFIED"}
Request = dict[str, Any]


def clean_text(text: str) -> str:
    """Text as the Slides API takes it: no control characters but newlines and tabs."""
    return _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: the Slides API counts text indexes in them."""
    return len(text.encode("utf-16-le")) // 2


class Builder:
    """Collects one slide's requests with unique object ids."""

    def __init__(self, slide_id: str) -> None:
        self.slide_id = slide_id
        self.requests: list[Request] = [
            {
                "createSlide": {
                    "objectId": slide_id,
                    "slideLayoutReference": {"predefinedLayout": "BLANK"},
                }
            }
        ]
        self.warnings: list[str] = []
        self._count = 0

    def new_id(self) -> str:
        self._count += 1
        return f"{self.slide_id}_e{self._count}"

    def properties(self, x: float, y: float, w: float, h: float) -> dict[str, Any]:
        return {
            "pageObjectId": self.slide_id,
            "size": {
                "width": {"magnitude": round(max(w, 1.0) * PT, 2), "unit": "PT"},
                "height": {"magnitude": round(max(h, 1.0) * PT, 2), "unit": "PT"},
            },
            "transform": {
                "scaleX": 1,
                "scaleY": 1,
                "translateX": round(x * PT, 2),
                "translateY": round(y * PT, 2),
                "unit": "PT",
            },
        }


def rgb(hex_colour: str) -> dict[str, Any]:
    value = hex_colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return {"rgbColor": {"red": round(red, 4), "green": round(green, 4), "blue": round(blue, 4)}}


def filled_shape(builder: Builder, item: Item) -> None:
    fill = (item.data or {}).get("fill")
    if not fill:
        return
    object_id = builder.new_id()
    props = builder.properties(item.x, item.y, item.w, item.h)
    radius = (item.data or {}).get("radius", 0)
    kind = "ROUND_RECTANGLE" if radius > 2 else "RECTANGLE"
    builder.requests += [
        {"createShape": {"objectId": object_id, "shapeType": kind, "elementProperties": props}},
        {
            "updateShapeProperties": {
                "objectId": object_id,
                "shapeProperties": {
                    "shapeBackgroundFill": {"solidFill": {"color": rgb(fill)}},
                    "outline": {"propertyState": "NOT_RENDERED"},
                },
                "fields": "shapeBackgroundFill.solidFill.color,outline.propertyState",
            }
        },
    ]


def _run_text(run: Run) -> str:
    text = clean_text(run.text).replace("\n", "\v")  # a line break inside the paragraph
    return text.upper() if run.style.upper else text


def text_box(builder: Builder, item: Item) -> None:
    paras = [p for p in item.paras if p.text.strip()]
    if not paras:
        return
    object_id = builder.new_id()
    props = builder.properties(item.x, item.y, item.w, item.h)
    styles: list[Request] = []
    text, index = "", 0
    for number, para in enumerate(paras):
        start = index
        for run in para.runs:
            piece = _run_text(run)
            if not piece:
                continue
            end = index + utf16_len(piece)
            styles.append(_run_style(object_id, run.style, index, end, item.scale))
            text, index = text + piece, end
        styles += _para_style(object_id, para, start, index)
        if number < len(paras) - 1:
            text, index = text + "\n", index + 1
    builder.requests += [
        {
            "createShape": {
                "objectId": object_id,
                "shapeType": "TEXT_BOX",
                "elementProperties": props,
            }
        },
        {"insertText": {"objectId": object_id, "insertionIndex": 0, "text": text}},
        *styles,
    ]


def _run_style(object_id: str, style: TextStyle, start: int, end: int, scale: float) -> Request:
    return {
        "updateTextStyle": {
            "objectId": object_id,
            "textRange": {"type": "FIXED_RANGE", "startIndex": start, "endIndex": end},
            "style": {
                "fontSize": {"magnitude": round(style.size * scale * PT, 1), "unit": "PT"},
                "bold": style.bold,
                "italic": style.italic,
                "fontFamily": style.font,
                "foregroundColor": {"opaqueColor": rgb(style.color)},
            },
            "fields": "fontSize,bold,italic,fontFamily,foregroundColor",
        }
    }


def _para_style(object_id: str, para: Para, start: int, end: int) -> list[Request]:
    if end <= start:
        return []
    text_range = {"type": "FIXED_RANGE", "startIndex": start, "endIndex": end}
    found: list[Request] = []
    alignment = _ALIGN.get(para.style.align)
    if alignment:
        found.append(
            {
                "updateParagraphStyle": {
                    "objectId": object_id,
                    "textRange": text_range,
                    "style": {"alignment": alignment},
                    "fields": "alignment",
                }
            }
        )
    if para.bullet:
        preset = (
            "NUMBERED_DIGIT_ALPHA_ROMAN"
            if para.bullet[0].isdigit()
            else "BULLET_DISC_CIRCLE_SQUARE"
        )
        found.append(
            {
                "createParagraphBullets": {
                    "objectId": object_id,
                    "textRange": text_range,
                    "bulletPreset": preset,
                }
            }
        )
    return found


def native_table(
    builder: Builder,
    cells: list[list[str]],
    box: tuple[float, float, float, float],
    *,
    header: bool,
) -> None:
    """A native table (createTable) filled cell by cell (insertText), header row bold."""
    object_id = builder.new_id()
    n_rows, n_cols = len(cells), max(len(r) for r in cells)
    x, y, w, h = box
    row_h = min(h / n_rows, 80.0)
    size = round(max(min(row_h * 0.45, 24.0), 7.0) * PT, 1)
    builder.requests.append(
        {
            "createTable": {
                "objectId": object_id,
                "elementProperties": builder.properties(x, y, w, row_h * n_rows),
                "rows": n_rows,
                "columns": n_cols,
            }
        }
    )
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            value = clean_text(value).replace("\n", "\v")
            if not value:
                continue  # insertText refuses empty text
            location = {"rowIndex": r, "columnIndex": c}
            style: dict[str, Any] = {"fontSize": {"magnitude": size, "unit": "PT"}}
            if header and r == 0:
                style["bold"] = True
            builder.requests += [
                {
                    "insertText": {
                        "objectId": object_id,
                        "cellLocation": location,
                        "insertionIndex": 0,
                        "text": value,
                    }
                },
                {
                    "updateTextStyle": {
                        "objectId": object_id,
                        "cellLocation": location,
                        "textRange": {"type": "ALL"},
                        "style": style,
                        "fields": ",".join(style),
                    }
                },
            ]
