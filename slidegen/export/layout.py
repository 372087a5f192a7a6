"""Boxes from slide HTML: the slide contract's blocks laid out without a browser.

The slide is a vertical flow inside its padding (CSS `gap` between blocks). Rows (`display:
flex` or `grid` that is not a column) share their width equally. Charts, images, columns and
rows holding them take the height left over; text takes what it measures. When the text does
not fit, every font on the slide shrinks together until it does. Anything unknown becomes
text, so free-form HTML degrades to readable paragraphs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

from slidegen.export.css import length, padding, parse_colour, rgb_tuple
from slidegen.export.images import decode
from slidegen.export.text import SKIP_TAGS, Para, Styler, paragraphs, text_height, text_width

SLIDE_W, SLIDE_H = 1280.0, 720.0
CHART_MIN = 240.0


@dataclass
class Item:
    """One thing to draw: text, shape, table, chart or picture, in CSS px."""

    kind: str
    x: float
    y: float
    w: float
    h: float
    paras: list[Para] = field(default_factory=list)
    scale: float = 1.0
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Block:
    """A laid-out-able piece: its height at a width and font scale, and how to place it."""

    measure: Callable[[float, float], float]
    place: Callable[[float, float, float, float, float], list[Item]]
    flex: bool = False
    min_h: float = 0.0
    width: Callable[[float, float], float] | None = None  # shrink-to-fit width, for centring


class Layout:
    """Lays out one slide's element tree into items."""

    def __init__(self, styler: Styler, background: str) -> None:
        self.styler = styler
        self.over = rgb_tuple(background)

    def colour(self, value: str | None) -> str | None:
        return parse_colour(value, self.over) if value else None

    def slide(self, root: HtmlElement) -> list[Item]:
        d = self.styler.decls(root)
        size = self.styler.style(root).size
        top, right, bottom, left = padding(d, size)
        absolute = [c for c in root if self._absolute(c)]
        flow = [c for c in root if c not in absolute]
        justify = d.get("justify-content", "").strip()
        width, height = SLIDE_W - left - right, SLIDE_H - top - bottom
        items = self.flow(flow, left, top, width, height, d, justify)
        for child in absolute:
            items.extend(self.absolute(child))
        return items

    def _absolute(self, el: HtmlElement) -> bool:
        return isinstance(el.tag, str) and self.styler.decls(el).get("position") == "absolute"

    def flow(
        self,
        children: list[HtmlElement],
        x: float,
        y: float,
        w: float,
        h: float,
        d: dict[str, str],
        justify: str = "",
    ) -> list[Item]:
        blocks = [b for b in (self.block(c) for c in children) if b is not None]
        if not blocks:
            return []
        gap = length(d.get("gap") or d.get("row-gap"), self.styler.style(children[0]).size)
        scale = 1.0
        while True:
            fixed = sum(b.min_h if b.flex else b.measure(w, scale) for b in blocks)
            fixed += gap * (len(blocks) - 1)
            if fixed <= h or scale <= 0.45:
                break
            scale -= 0.05
        spare = max(h - fixed, 0.0)
        flexible = [b for b in blocks if b.flex]
        shift = {"center": 0.5, "flex-end": 1.0, "end": 1.0}.get(justify, 0.0)
        cursor = y + (spare * shift if not flexible else 0.0)
        centred = d.get("align-items", "").strip() == "center"
        items: list[Item] = []
        for block in blocks:
            height = block.measure(w, scale) if not block.flex else block.min_h
            if block.flex:
                height += spare / len(flexible)
            width = min(block.width(w, scale), w) if centred and block.width else w
            items.extend(block.place(x + (w - width) / 2, cursor, width, height, scale))
            cursor += height + gap
        return items

    def block(self, el: HtmlElement) -> Block | None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in ("script", "style", "template") or self.styler.hidden(el):
            return None
        classes = (el.get("class") or "").split()
        if tag == "figure" and "chart" in classes:
            return Block(lambda w, s: CHART_MIN, self._chart(el), flex=True, min_h=CHART_MIN * 0.7)
        if tag == "img":
            return self._image(el)
        if tag == "table":
            return Block(self._table_height(el), self._table(el))
        d = self.styler.decls(el)
        if self._is_row(d):
            return self._row(el, d)
        if self._has_structure(el) and not (el.text and el.text.strip()):
            return self._group(el, d)
        return self._text(el, d)

    def _is_row(self, d: dict[str, str]) -> bool:
        display = d.get("display", "")
        return display in ("flex", "grid") and "column" not in d.get("flex-direction", "row")

    def _has_structure(self, el: HtmlElement) -> bool:
        for child in el.iter():
            if child is el or not isinstance(child.tag, str):
                continue
            if child.tag in ("img", "table") or "chart" in (child.get("class") or ""):
                return True
            if self._is_row(self.styler.decls(child)) or self._shape_of(child):
                return True
        return False

    def _shape_of(self, el: HtmlElement) -> dict[str, Any] | None:
        d = self.styler.decls(el)
        fill = self.colour(d.get("background-color") or d.get("background"))
        borders = {}
        for side in ("top", "right", "bottom", "left"):
            value = d.get(f"border-{side}") or d.get("border")
            if value and value.strip() not in ("0", "none"):
                width = length(value.split()[0], 16.0)
                colour = self.colour(value)
                if width > 0 and colour:
                    borders[side] = (width, colour)
        if not fill and not borders:
            return None
        return {"fill": fill, "borders": borders, "radius": length(d.get("border-radius"), 16.0)}

    def _padding(self, el: HtmlElement) -> tuple[float, float, float, float]:
        return padding(self.styler.decls(el), self.styler.style(el).size)

    def _decorate(self, el: HtmlElement, inner: Callable) -> Callable:
        """Wrap a placement with the element's fill/border shape and padding."""
        shape, (pt, pr, pb, pl) = self._shape_of(el), self._padding(el)

        def place(x: float, y: float, w: float, h: float, s: float) -> list[Item]:
            items = [Item("shape", x, y, w, h, data=shape)] if shape else []
            return items + inner(x + pl, y + pt, max(w - pl - pr, 10), max(h - pt - pb, 10), s)

        return place

    def _text(self, el: HtmlElement, d: dict[str, str]) -> Block | None:
        paras = paragraphs(el, self.styler)
        shape = self._shape_of(el)
        if not paras and not shape:
            return None
        pt, pr, pb, pl = self._padding(el)
        cap = length(d.get("max-width"), self.styler.style(el).size) or SLIDE_W

        def measure(w: float, s: float) -> float:
            return text_height(paras, min(w, cap) - pl - pr, s) + pt + pb

        def inner(x: float, y: float, w: float, h: float, s: float) -> list[Item]:
            return [Item("text", x, y, w, h, paras=paras, scale=s)] if paras else []

        place = self._decorate(el, inner)

        def width(w: float, s: float) -> float:
            return min(text_width(paras, s) + pl + pr + 2, cap)

        return Block(measure, lambda x, y, w, h, s: place(x, y, min(w, cap), h, s), width=width)

    def _group(self, el: HtmlElement, d: dict[str, str]) -> Block:
        children = [b for b in (self.block(c) for c in self._children(el)) if b is not None]
        pt, pr, pb, pl = self._padding(el)
        gap = length(d.get("gap"), self.styler.style(el).size) or 10.0
        flex = any(b.flex for b in children)

        def measure(w: float, s: float) -> float:
            inner = sum(b.min_h if b.flex else b.measure(w - pl - pr, s) for b in children)
            return inner + gap * max(len(children) - 1, 0) + pt + pb

        def inner(x: float, y: float, w: float, h: float, s: float) -> list[Item]:
            return self.flow(self._children(el), x, y, w, h, d | {"gap": f"{gap}px"})

        return Block(measure, self._decorate(el, inner), flex=flex, min_h=measure(600, 1.0))

    def _children(self, el: HtmlElement) -> list[HtmlElement]:
        return [c for c in el if isinstance(c.tag, str)]

    def _row(self, el: HtmlElement, d: dict[str, str]) -> Block:
        cells = [c for c in el if isinstance(c.tag, str) and not self.styler.hidden(c)]
        blocks = [self.block(c) or Block(lambda w, s: 0, lambda *a: []) for c in cells]
        gap = length(d.get("column-gap") or d.get("gap"), self.styler.style(el).size)
        flex = any(b.flex for b in blocks) or d.get("flex", "").startswith("1")

        def cell_w(w: float) -> float:
            return (w - gap * (len(blocks) - 1)) / max(len(blocks), 1)

        def measure(w: float, s: float) -> float:
            return max((b.measure(cell_w(w), s) for b in blocks), default=0.0)

        def place(x: float, y: float, w: float, h: float, s: float) -> list[Item]:
            items: list[Item] = []
            for i, block in enumerate(blocks):
                cx = x + i * (cell_w(w) + gap)
                cell_h = h if self._stretch(cells[i], block) else block.measure(cell_w(w), s)
                items.extend(block.place(cx, y, cell_w(w), min(cell_h, h), s))
            return items

        return Block(measure, place, flex=bool(flex), min_h=CHART_MIN * 0.7 if flex else 0)

    def _stretch(self, el: HtmlElement, block: Block) -> bool:
        return block.flex or self._shape_of(el) is not None or "column" in (el.get("class") or "")

    def _chart(self, el: HtmlElement) -> Callable:
        def place(x: float, y: float, w: float, h: float, s: float) -> list[Item]:
            return [Item("chart", x, y, w, h, data={"chart_id": el.get("data-chart-id")})]

        return place

    def _image(self, el: HtmlElement) -> Block:
        """An image at its pixel size, never upscaled, capped by max-height and the width."""
        d = self.styler.decls(el)
        cap = length(d.get("max-height"), 16.0) or 440.0
        picture = decode(el.get("src") or "")
        natural = (picture.width, picture.height) if picture else (400, 225)

        def measure(w: float, s: float) -> float:
            return min(cap, natural[1] * min(1.0, w / natural[0]))

        def place(x: float, y: float, w: float, h: float, s: float) -> list[Item]:
            src = {"src": el.get("src") or "", "center": d.get("align-self") == "center"}
            return [Item("picture", x, y, w, min(h, measure(w, s)), data=src)]

        return Block(measure, place)

    def _table_height(self, el: HtmlElement) -> Callable[[float, float], float]:
        rows = [r for r in el.iter("tr")]
        size = self.styler.style(el).size

        def measure(w: float, s: float) -> float:
            return len(rows) * (size * s * 1.3 + 20 * s)

        return measure

    def _table(self, el: HtmlElement) -> Callable:
        def place(x: float, y: float, w: float, h: float, s: float) -> list[Item]:
            return [Item("table", x, y, w, h, scale=s, data={"element": el})]

        return place

    def absolute(self, el: HtmlElement) -> list[Item]:
        """Place an absolutely positioned element (the footer) from its left/right/bottom."""
        d = self.styler.decls(el)
        size = self.styler.style(el).size
        left, right = length(d.get("left"), size, 72.0), length(d.get("right"), size, 72.0)
        paras = paragraphs(el, self.styler)
        width = SLIDE_W - left - right
        pad = padding(d, size)[0]
        height = text_height(paras, width) + pad
        if "bottom" in d:
            top = SLIDE_H - length(d.get("bottom"), size) - height
        else:
            top = length(d.get("top"), size)
        items = (
            [Item("shape", left, top, width, height, data=s)] if (s := self._shape_of(el)) else []
        )
        return items + [Item("text", left, top + pad, width, height - pad, paras=paras)]


__all__ = ["SKIP_TAGS", "Item", "Layout"]
