"""Text from slide HTML: computed text styles, paragraphs with runs and list levels, measuring."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

from lxml.html import HtmlElement

from slidegen.export.css import (
    INHERITED,
    Stylesheet,
    box_sides,
    compound_of,
    length,
    parse_colour,
)

_BLOCKS = "p div h1 h2 h3 h4 h5 h6 ul ol li table figure blockquote section header footer "
BLOCK_TAGS = frozenset(f"{_BLOCKS}article aside main nav pre hr dl dt dd figcaption cite".split())
SKIP_TAGS = frozenset({"script", "style", "svg", "template", "img", "figure", "table"})
POWERPOINT_FONTS = {
    "arial": "Arial",
    "helvetica": "Arial",
    "helvetica neue": "Arial",
    "liberation sans": "Arial",
    "calibri": "Calibri",
    "segoe ui": "Segoe UI",
    "verdana": "Verdana",
    "tahoma": "Tahoma",
    "trebuchet ms": "Trebuchet MS",
    "georgia": "Georgia",
    "times new roman": "Times New Roman",
    "cambria": "Cambria",
    "consolas": "Consolas",
    "courier new": "Courier New",
    "serif": "Georgia",
    "sans-serif": "Arial",
    "monospace": "Consolas",
}
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class TextStyle:
    """The text properties of an element after the cascade and inheritance."""

    size: float = 22.0  # px
    color: str = "14213D"
    bold: bool = False
    italic: bool = False
    font: str = "Arial"
    align: str = "left"
    line_height: float = 1.35  # multiple of size
    upper: bool = False


@dataclass
class Run:
    """A piece of text with one style."""

    text: str
    style: TextStyle


@dataclass
class Para:
    """A paragraph: runs, list level and marker, and the space above it (px)."""

    runs: list[Run] = field(default_factory=list)
    style: TextStyle = field(default_factory=TextStyle)
    level: int = 0
    bullet: str | None = None  # "•" or "1." etc.
    space_before: float = 0.0
    space_after: float = 0.0

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


def map_font(family: str) -> str:
    """Return the font of a CSS font-family list that PowerPoint has (Arial if none).

    Arial (or Helvetica) wins when listed anywhere: browsers without the first choices render
    it (or its metric twin Liberation Sans), so text keeps the widths the layout measured.
    """
    names = [n.strip().strip("\"'").lower() for n in family.split(",")]
    if any(n in ("arial", "helvetica", "helvetica neue", "liberation sans") for n in names):
        return "Arial"
    for name in family.split(","):
        key = name.strip().strip("\"'").lower()
        if key in POWERPOINT_FONTS:
            return POWERPOINT_FONTS[key]
    return "Arial"


class Styler:
    """Computes and caches declarations and text styles of a slide's elements."""

    def __init__(self, sheet: Stylesheet, base: TextStyle) -> None:
        self.sheet = sheet
        self.base = base
        self._decls: dict[HtmlElement, dict[str, str]] = {}
        self._styles: dict[HtmlElement, TextStyle] = {}

    def decls(self, el: HtmlElement) -> dict[str, str]:
        key = el  # the dict keeps the proxy alive, so it stays the same object
        if key not in self._decls:
            path = tuple(compound_of(a) for a in reversed([el, *el.iterancestors()]))
            declared = self.sheet.declarations(path)
            inline = el.get("style") or ""
            for part in inline.split(";"):
                name, _, value = part.partition(":")
                if value.strip():
                    declared[name.strip().lower()] = self.sheet.resolve(value.strip())
            self._decls[key] = declared
        return self._decls[key]

    def style(self, el: HtmlElement) -> TextStyle:
        key = el  # the dict keeps the proxy alive, so it stays the same object
        if key in self._styles:
            return self._styles[key]
        parent = el.getparent()
        inherited = self.base if parent is None else self.style(parent)
        d = {k: v for k, v in self.decls(el).items() if k in INHERITED or k == "font"}
        tag = el.tag if isinstance(el.tag, str) else ""
        size = length(d["font-size"], inherited.size, inherited.size) if "font-size" in d else None
        size = size or inherited.size
        weight = d.get("font-weight", "")
        bold = (
            inherited.bold or tag in ("strong", "b", "th")
            if not weight
            else weight == "bold" or (weight.isdigit() and int(weight) >= 600)
        )
        italic = inherited.italic or tag in ("em", "i", "cite")
        if "font-style" in d:
            italic = d["font-style"].strip() == "italic"
        line_height = _line_height(d.get("line-height"), size, inherited.line_height)
        style = replace(
            inherited,
            size=size,
            color=parse_colour(d["color"]) or inherited.color if "color" in d else inherited.color,
            bold=bold,
            italic=italic,
            font=map_font(d["font-family"]) if "font-family" in d else inherited.font,
            align=d.get("text-align", inherited.align).strip(),
            line_height=line_height,
            upper=d.get("text-transform", "").strip() == "uppercase" or inherited.upper,
        )
        self._styles[key] = style
        return style

    def is_block(self, el: HtmlElement) -> bool:
        """Block-level: a block tag, `display: block|flex|grid`, or a flex or grid item."""
        display = self.decls(el).get("display", "").strip()
        if display in ("block", "flex", "grid", "list-item", "table"):
            return True
        if display.startswith("inline"):
            return False
        parent = el.getparent()
        if parent is not None and self.decls(parent).get("display", "") in ("flex", "grid"):
            return True
        return el.tag in BLOCK_TAGS

    def hidden(self, el: HtmlElement) -> bool:
        return self.decls(el).get("display", "").startswith("none")


def _line_height(value: str | None, size: float, default: float) -> float:
    match = re.match(r"\s*([\d.]+)\s*([a-z%]*)", value or "")
    if not match:
        return default
    if match.group(2):
        return length(value, size) / size if size else default
    return float(match.group(1))


def paragraphs(el: HtmlElement, styler: Styler) -> list[Para]:
    """Split an element's content into paragraphs: blocks and list items start new ones."""
    out: list[Para] = []
    if el.tag in ("ul", "ol"):
        _list(el, styler, out, level=0)
    else:
        _collect(el, styler, out, level=-1)
    return [p for p in out if p.text.strip()]


def _collect(el: HtmlElement, styler: Styler, out: list[Para], level: int) -> None:
    current = _new_para(el, styler, out)
    if el.text:
        _add(current, el.text, styler.style(el))
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag and (tag in SKIP_TAGS or styler.hidden(child)):
            pass
        elif tag in ("ul", "ol"):
            _list(child, styler, out, level + 1)
        elif tag == "br":
            current = _new_para(el, styler, out)
        elif styler.is_block(child):
            _collect(child, styler, out, level)
        elif tag:
            _inline(child, styler, current)
        else:
            pass
        if tag and (tag in ("ul", "ol") or styler.is_block(child)):
            current = _new_para(el, styler, out)
        if child.tail:
            _add(current, child.tail, styler.style(el))


def _list(el: HtmlElement, styler: Styler, out: list[Para], level: int) -> None:
    numbered = el.tag == "ol"
    number = int(el.get("start", "1")) if (el.get("start") or "").isdigit() else 1
    for item in el:
        if item.tag != "li":
            continue
        start = len(out) - 1 if out and not out[-1].runs else len(out)  # reused empty one
        _collect(item, styler, out, level)
        if len(out) > start:
            out[start].level = max(level, 0)
            out[start].bullet = f"{number}." if numbered else "•"
            number += 1


def _new_para(el: HtmlElement, styler: Styler, out: list[Para]) -> Para:
    if out and not out[-1].runs:
        out[-1].style = styler.style(el)
        return out[-1]
    decls = styler.decls(el)
    style = styler.style(el)
    top, _, bottom, _ = box_sides(decls.get("margin"), style.size)
    top = length(decls["margin-top"], style.size) if "margin-top" in decls else top
    bottom = length(decls["margin-bottom"], style.size) if "margin-bottom" in decls else bottom
    space = top if out else 0.0
    after = bottom if el.tag == "li" else 0.0
    para = Para(style=style, space_before=max(space, 0.0), space_after=max(after, 0.0))
    out.append(para)
    return para


def _inline(el: HtmlElement, styler: Styler, para: Para) -> None:
    style = styler.style(el)
    if el.text:
        _add(para, el.text, style)
    for child in el:
        if isinstance(child.tag, str) and child.tag not in SKIP_TAGS and not styler.hidden(child):
            _inline(child, styler, para)
        if child.tail:
            _add(para, child.tail, style)


def _add(para: Para, text: str, style: TextStyle) -> None:
    text = _SPACE.sub(" ", text)
    if not para.runs or para.runs[-1].text.endswith(" "):
        text = text.lstrip()
    if not text:
        return
    if style.upper:
        text = text.upper()
    if para.runs and para.runs[-1].style == style:
        para.runs[-1].text += text
    else:
        para.runs.append(Run(text, style))


def char_width(style: TextStyle) -> float:
    """Average advance of a character in px (Arial-like metrics)."""
    return style.size * (0.53 if style.bold else 0.48)


def text_height(paras: list[Para], width: float, scale: float = 1.0) -> float:
    """Estimate the height (px) of paragraphs wrapped at `width`, fonts scaled by `scale`."""
    total = 0.0
    for para in paras:
        indent = (para.level + 1) * para.style.size * 1.2 if para.bullet else 0.0
        usable = max(width - indent, 20.0)
        chars = sum(len(r.text) * char_width(r.style) for r in para.runs) * scale
        lines = max(1, math.ceil(chars / usable)) if para.runs else 1
        size = max((r.style.size for r in para.runs), default=para.style.size) * scale
        spacing = para.space_before + para.space_after
        total += lines * size * para.style.line_height + spacing * scale
    return total


def text_width(paras: list[Para], scale: float = 1.0) -> float:
    """The width (px) of the longest paragraph set on one line, list indent included."""
    widest = 0.0
    for para in paras:
        indent = (para.level + 1) * para.style.size * 1.2 if para.bullet else 0.0
        chars = sum(len(r.text) * char_width(r.style) for r in para.runs)
        widest = max(widest, (chars + indent) * scale)
    return widest
