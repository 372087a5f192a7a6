"""Editable PowerPoint text boxes and shapes from laid-out items."""

from __future__ import annotations

from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from slidegen.export.layout import Item
from slidegen.export.text import Para

PX = 9525
PT_PER_PX = 0.75
_ALIGN = {"center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT, "justify": PP_ALIGN.JUSTIFY}


def emu(value: float) -> Emu:
    return Emu(round(value * PX))


def add_text(slide: object, item: Item) -> None:
    """Add a text box with one paragraph per Para, runs keeping bold/italic/colour/size/font."""
    box = slide.shapes.add_textbox(emu(item.x), emu(item.y), emu(item.w), emu(max(item.h, 4)))  # type: ignore[attr-defined]
    frame = box.text_frame
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE  # PowerPoint shrinks further on edits
    for index, para in enumerate(item.paras):
        target = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        _paragraph(target, para, item.scale)


def _paragraph(target: object, para: Para, scale: float) -> None:
    style = para.style
    target.alignment = _ALIGN.get(style.align)  # type: ignore[attr-defined]
    size = max((r.style.size for r in para.runs), default=style.size) * scale
    target.line_spacing = Pt(size * style.line_height * PT_PER_PX)  # type: ignore[attr-defined]
    if para.space_before:
        target.space_before = Pt(para.space_before * scale * PT_PER_PX)  # type: ignore[attr-defined]
    if para.space_after:
        target.space_after = Pt(para.space_after * scale * PT_PER_PX)  # type: ignore[attr-defined]
    if para.bullet:
        _bullet(target, para, scale)
    for run in para.runs:
        out = target.add_run()  # type: ignore[attr-defined]
        out.text = run.text
        font = out.font
        font.size = Pt(round(run.style.size * scale * PT_PER_PX * 2) / 2)
        font.bold, font.italic, font.name = run.style.bold, run.style.italic, run.style.font
        font.color.rgb = RGBColor.from_string(run.style.color)


def _bullet(target: object, para: Para, scale: float) -> None:
    indent = para.style.size * scale * 1.2
    p_pr = target._p.get_or_add_pPr()  # type: ignore[attr-defined]
    p_pr.set("marL", str(round((para.level + 1) * indent * PX)))
    p_pr.set("indent", str(round(-indent * PX)))
    p_pr.set("lvl", str(min(para.level, 8)))
    colour = p_pr.makeelement(qn("a:buClr"), {})
    colour.append(colour.makeelement(qn("a:srgbClr"), {"val": para.style.color}))
    p_pr.append(colour)
    if para.bullet and para.bullet[0].isdigit():
        start = para.bullet.rstrip(".")
        p_pr.append(p_pr.makeelement(qn("a:buAutoNum"), {"type": "arabicPeriod", "startAt": start}))
    else:
        p_pr.append(p_pr.makeelement(qn("a:buChar"), {"char": "•"}))


def add_shape(slide: object, item: Item) -> None:
    """Add a filled (rounded) rectangle and its one-sided borders as thin bars."""
    data = item.data or {}
    fill, borders, radius = data.get("fill"), data.get("borders", {}), data.get("radius", 0)
    if fill:
        kind = MSO_SHAPE.ROUNDED_RECTANGLE if radius > 2 else MSO_SHAPE.RECTANGLE
        shape = slide.shapes.add_shape(kind, emu(item.x), emu(item.y), emu(item.w), emu(item.h))  # type: ignore[attr-defined]
        _solid(shape, fill)
        if kind == MSO_SHAPE.ROUNDED_RECTANGLE:
            shape.adjustments[0] = min(radius / max(min(item.w, item.h), 1), 0.5)
    if len(borders) == 4 and len(set(borders.values())) == 1 and fill:
        width, colour = borders["top"]
        shape.line.color.rgb = RGBColor.from_string(colour)
        shape.line.width = emu(width)
        return
    for side, (width, colour) in borders.items():
        x, y, w, h = item.x, item.y, item.w, item.h
        if side in ("top", "bottom"):
            y, h = (y if side == "top" else y + h - width), width
        else:
            x, w = (x if side == "left" else x + w - width), width
        bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, emu(x), emu(y), emu(w), emu(h))  # type: ignore[attr-defined]
        _solid(bar, colour)


def _solid(shape: object, colour: str) -> None:
    shape.fill.solid()  # type: ignore[attr-defined]
    shape.fill.fore_color.rgb = RGBColor.from_string(colour)  # type: ignore[attr-defined]
    shape.line.fill.background()  # type: ignore[attr-defined]
    shape.shadow.inherit = False  # type: ignore[attr-defined]
