"""Layout checks without a browser (decision 10): lay slides out with WeasyPrint, walk the boxes.

Finds text outside the 1280x720 canvas, text overflowing a box of fixed height or clipped by
one, overlapping text, text under 12 px, text contrast under WCAG AA against the background it
actually sits on, and slides that are mostly empty. WeasyPrint needs the Pango system library;
without it `check_layout` returns None and callers say the check is unavailable.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from slidegen.deck import Slide
from slidegen.render.charts import palette_from_css
from slidegen.render.document import BASE_CSS, SLIDE_HEIGHT, SLIDE_WIDTH, slide_body
from slidegen.render.line_memo import remembered_line_breaks
from slidegen.render.placed_columns import PLACED, Placement, place_columns, print_plan
from slidegen.render.print_layout import PROBE_HTML, probe_styles

log = logging.getLogger("slidegen.layout")
TOLERANCE_PX = 2.0
MIN_FONT_PX = 12.0
MIN_CONTRAST, MIN_LARGE_CONTRAST = 4.5, 3.0
EMPTY_SHARE = 0.05  # text spanning less than this share of the canvas: mostly empty
MAX_ISSUES = 12
INK_INSET = 0.2  # of the font size, off the top and bottom of a glyph box
# Pages far taller than a slide, and slides that do not clip: WeasyPrint drops what falls past a
# page's end, so overflowing text must have room to be laid out where a browser would put it.
PAGE_HEIGHT = 4 * SLIDE_HEIGHT
PAGE_CSS = (
    f"@page{{size:{SLIDE_WIDTH}px {PAGE_HEIGHT}px;margin:0}}"
    ".slide{break-after:page;overflow:visible!important}"
)

_ROOT = re.compile(r"""\s*<([A-Za-z][\w-]*)\b(?:[^>"']|"[^"]*"|'[^']*')*>""")  # a start tag
Rect = tuple[float, float, float, float]  # left, top, right, bottom


@dataclass(frozen=True)
class LayoutIssue:
    """One layout finding: which check, how bad, which element, by how much."""

    check: str  # outside-canvas | overflow | clipped | overlap | small-text | contrast | empty
    severity: str  # problem | review
    element: str
    text: str


@dataclass
class _Text:
    rect: Rect
    element: int
    ancestors: frozenset[int]
    label: str
    positioned: bool  # in an absolutely positioned box: the only way flow text overlaps


@lru_cache(maxsize=1)
def available() -> bool:
    """Whether WeasyPrint and its Pango library can be loaded here."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:  # OSError: the Pango library is missing
        log.warning("layout checks unavailable: %s", exc)
        return False
    return True


class PartMismatch(RuntimeError):
    """Checking part of a deck gave more or fewer pages than slides: check it whole instead."""


def check_layout(
    css: str,
    slides: list[Slide],
    images: dict[str, str] | None = None,
    *,
    only: Collection[int] | None = None,
) -> list[list[LayoutIssue]] | None:
    """Return each slide's layout issues, or None when WeasyPrint cannot run here.

    `only`: check just these slides (by index; the others get no issues), so that two
    processes can share a deck. The others stay in the document, undisplayed, so every
    slide keeps its place among its siblings, as selectors counting them expect; they are
    left empty, as styling their contents would cost each part as much as the whole deck.
    """
    if not slides:
        return []
    if not available():
        return None
    shown = range(len(slides)) if only is None else sorted(only)
    palette = palette_from_css(css)
    plan = _print_plan(_head(css))[1]
    # Charts only need their box here: an empty SVG of the same size, not the drawing.
    bodies = [
        slide_body(_placed(s, plan), palette, images, draw_charts=False)
        if i in shown
        else _empty(s.html)
        for i, s in enumerate(slides)
    ]
    hidden = [i for i in range(len(slides)) if i not in shown]
    pages = layout_pages(css, bodies, hidden=hidden)
    if hidden and len(pages) != len(shown):
        raise PartMismatch(f"{len(pages)} pages for {len(shown)} slides")
    # Each slide is one page (its height is fixed and it clips); guard against surprises.
    issues: list[list[LayoutIssue]] = [[] for _ in slides]
    for page, index in zip(pages, shown, strict=False):
        issues[index] = _page_issues(page)
    return issues


def _empty(html: str) -> str:
    """The slide's own element without its contents: it keeps the slide's place and classes."""
    root = _ROOT.match(html)
    return f"{root.group(0)}</{root.group(1)}>" if root else html


def layout_pages(css: str, bodies: list[str], *, hidden: Collection[int] = ()) -> list[Any]:
    """Lay slide bodies out as the check sees them; return the page boxes, one per slide.

    `hidden`: slides (by index, each one element) that keep their place but are not laid out.
    """
    from weasyprint import HTML

    head = _head(css)
    skip = "".join(f"body>:nth-child({i + 1}){{display:none!important}}" for i in hidden)
    style = f"<style>{head}{_print_plan(head)[0]}{skip}</style>"
    body = "".join(bodies)
    with remembered_line_breaks():  # these pages are measured, never drawn
        document = HTML(string=f"<html><head>{style}</head><body>{body}</body></html>").render()
    return [page._page_box for page in document.pages]


def _head(css: str) -> str:
    safe_css = css.replace("</", "<\\/")  # stored CSS is sanitised; keep it inside <style>
    return f"{PAGE_CSS}{BASE_CSS}{safe_css}"


def _placed(slide: Slide, plan: Placement | None) -> Slide:
    """The slide with its row of columns placed as the PDF prints it (placed_columns)."""
    html = place_columns(slide.html, plan)
    return slide if html == slide.html else slide.model_copy(update={"html": html})


@lru_cache(maxsize=16)
def _print_plan(head: str) -> tuple[str, Placement | None]:
    """The PDF's print-only rules and column placement for a style, from its probe slide.

    The same boxes as the style's own layout in far fewer layout passes (nested flex made a
    slide take seconds), and charts as wide as their column, as Chromium draws them. Each rule
    is used only where this style's probe allows; the probe depends on the CSS alone, and a
    handful of styles serve every deck, so it is rendered once per style, not once per check.
    """
    from weasyprint import HTML

    probe = HTML(string=f"<html><head><style>{head}</style></head><body>{PROBE_HTML}</body>")
    return print_plan(probe_styles(probe.render()))


def _page_issues(page: Any) -> list[LayoutIssue]:
    texts: list[_Text] = []
    labels: dict[int, str] = {}  # element -> the label of its first text
    found: dict[tuple[str, str], tuple[float, LayoutIssue]] = {}

    def note(check: str, severity: str, element: str, amount: float, text: str) -> None:
        key = (check, element)  # one finding per check and element: its worst
        if key not in found or found[key][0] < amount:
            found[key] = (amount, LayoutIssue(check, severity, element, text))

    pictures: list[Rect] = []  # charts and images: content, though not text
    for box, chain in _walk(page, ()):
        if type(box).__name__.endswith("ReplacedBox"):
            pictures.append(_rect(box))
            continue
        if type(box).__name__ != "TextBox" or not box.text.strip():
            continue
        if box.element_tag.endswith("::marker"):
            continue  # list bullets: decoration, coloured by the style's accent
        rect = _rect(box)
        # Lines of one element, and an element's inline children, may touch: not an overlap.
        elements = [id(b.element) for b in chain if getattr(b, "element", None) is not None]
        label = labels.setdefault(elements[-1], _label(box))
        # A glyph box is taller than its ink (ascent and descent include line spacing room):
        # tight line-heights stack such boxes over each other without any visible overlap.
        inset = INK_INSET * float(box.style["font_size"])
        ink = (rect[0], rect[1] + inset, rect[2], rect[3] - inset)
        # Columns the print layout placed are in flow in the style's own layout.
        positioned = any(
            b.style["position"] in ("absolute", "fixed") and PLACED not in b.element.attrib
            for b in chain
        )
        texts.append(_Text(ink, elements[-1], frozenset(elements[:-1]), label, positioned))
        _check_text(box, rect, chain, label, note)
    for a, b in _overlaps(texts):
        note("overlap", "problem", a.label, 1, f"{a.label} overlaps {b.label}.")
    _check_empty([t.rect for t in texts], pictures, note)
    issues = [issue for _, issue in found.values()]
    order = {"problem": 0, "review": 1}
    return sorted(issues, key=lambda i: order[i.severity])[:MAX_ISSUES]


def _walk(box: Any, chain: tuple[Any, ...]) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    chain = (*chain, box) if getattr(box, "element_tag", None) else chain
    yield box, chain
    for child in getattr(box, "children", []) or []:
        yield from _walk(child, chain)


def _check_text(box: Any, rect: Rect, chain: tuple[Any, ...], label: str, note: Any) -> None:
    left, top, right, bottom = rect
    outside = max(right - SLIDE_WIDTH, bottom - SLIDE_HEIGHT, -left, -top)
    if outside > TOLERANCE_PX:
        note(
            "outside-canvas",
            "problem",
            label,
            outside,
            f"{label} runs {outside:.0f} px outside the slide.",
        )
    for ancestor in reversed(chain[:-1]):
        if ancestor.element_tag in ("html", "body"):
            break
        fixed = ancestor.style["height"] != "auto"
        clips = ancestor.style["overflow"] != "visible"
        if not (fixed or clips) or _is_table_wrapper(ancestor):
            continue
        edge_y = ancestor.border_box_y() + ancestor.border_height()
        edge_x = ancestor.border_box_x() + ancestor.border_width()
        over = max(bottom - edge_y, right - edge_x)
        if over > TOLERANCE_PX and outside <= TOLERANCE_PX:
            check = "clipped" if clips else "overflow"
            verb = "is clipped" if clips else "overflows its box"
            note(check, "problem", label, over, f"{label} {verb} by {over:.0f} px.")
        break
    size = float(box.style["font_size"])
    if size < MIN_FONT_PX - 0.01:
        note(
            "small-text",
            "review",
            label,
            MIN_FONT_PX - size,
            f"{label} is {size:.0f} px; text under {MIN_FONT_PX:.0f} px is hard to read.",
        )
    ratio = _contrast(box, chain)
    large = size >= 24 or (size >= 18.66 and int(box.style["font_weight"]) >= 700)
    needed = MIN_LARGE_CONTRAST if large else MIN_CONTRAST
    if ratio is not None and ratio < needed:
        note(
            "contrast",
            "review",
            label,
            needed - ratio,
            f"{label} has contrast {ratio:.1f}:1 against its background (needs {needed}:1).",
        )


def _is_table_wrapper(box: Any) -> bool:
    """Whether a box only wraps a table: a table grows to fit its rows, it never clips them.

    WeasyPrint can size a table's wrapper before the rows wrap their text (in a flex column),
    leaving it shorter than its own table; browsers lay the table out at its rows' height.
    """
    children = getattr(box, "children", None) or []
    return any(type(child).__name__ == "TableBox" for child in children)


def _contrast(box: Any, chain: tuple[Any, ...]) -> float | None:
    foreground = _rgb(box.style["color"])
    for ancestor in reversed(chain):
        if ancestor.style["background_image"] != (("none", None),):
            return None  # an image or gradient: the background is not one colour
        colour = ancestor.style["background_color"]
        if colour.alpha >= 0.5:
            return _ratio(foreground, _rgb(colour))
    return _ratio(foreground, (1.0, 1.0, 1.0))


def _rgb(colour: Any) -> tuple[float, float, float]:
    red, green, blue = colour.to("srgb").coordinates
    return red, green, blue


def _ratio(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _overlaps(texts: list[_Text]) -> Iterator[tuple[_Text, _Text]]:
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            # Text in normal flow never overlaps in a browser; WeasyPrint's flex layout can
            # misplace wrapped lines by a few pixels, which must not read as an overlap.
            if not (a.positioned or b.positioned):
                continue
            if a.element == b.element or a.element in b.ancestors or b.element in a.ancestors:
                continue
            width = min(a.rect[2], b.rect[2]) - max(a.rect[0], b.rect[0])
            height = min(a.rect[3], b.rect[3]) - max(a.rect[1], b.rect[1])
            if width > TOLERANCE_PX and height > TOLERANCE_PX:
                yield a, b


def _rect(box: Any) -> Rect:
    return (
        box.position_x,
        box.position_y,
        box.position_x + box.width,
        box.position_y + box.height,
    )


def _check_empty(texts: list[Rect], pictures: list[Rect], note: Any) -> None:
    if not texts:
        note("empty", "review", "slide", 1, "The slide shows no text.")
        return
    shown = [*texts, *pictures]  # a chart or an image fills a slide as much as text does
    left = max(0.0, min(r[0] for r in shown))
    top = max(0.0, min(r[1] for r in shown))
    right = min(float(SLIDE_WIDTH), max(r[2] for r in shown))
    bottom = min(float(SLIDE_HEIGHT), max(r[3] for r in shown))
    share = max(0.0, right - left) * max(0.0, bottom - top) / (SLIDE_WIDTH * SLIDE_HEIGHT)
    if share < EMPTY_SHARE:
        note(
            "empty",
            "review",
            "slide",
            EMPTY_SHARE - share,
            f"The slide is mostly empty: its content covers {share:.0%} of the canvas.",
        )


def _label(box: Any) -> str:
    text = " ".join(box.text.split())
    snippet = text if len(text) <= 40 else text[:39] + "…"
    return f'{box.element_tag} "{snippet}"'
