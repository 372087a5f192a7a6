"""Native PowerPoint tables from slide `<table>` elements, coloured from the style."""

from __future__ import annotations

from lxml.html import HtmlElement
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from slidegen.export.css import padding, parse_colour
from slidegen.export.text import Styler, TextStyle

PX = 9525
MAX_ROWS, MAX_COLS = 60, 20
_ALIGN = {"right": PP_ALIGN.RIGHT, "center": PP_ALIGN.CENTER}


def _rows(table: HtmlElement) -> list[list[HtmlElement]]:
    rows = []
    for tr in table.iter("tr"):
        cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
        if cells:
            rows.append(cells[:MAX_COLS])
    return rows[:MAX_ROWS]


def add_table(
    slide: object,
    table: HtmlElement,
    styler: Styler,
    box: tuple[float, float, float, float],
    *,
    scale: float,
    over: tuple[int, int, int],
) -> list[str]:
    """Add the table as a native table with its header row, cell fills and text styles."""
    rows = _rows(table)
    if not rows:
        return ["an empty table was left out"]
    warnings = ["a table was cut to 60 rows and 20 columns"] if len(rows) == MAX_ROWS else []
    n_cols = max(len(r) for r in rows)
    x, y, w, h = box
    row_h = min(h / len(rows), 80.0)
    shape = slide.shapes.add_table(  # type: ignore[attr-defined]
        len(rows), n_cols, Emu(round(x * PX)), Emu(round(y * PX)), Emu(round(w * PX)),
        Emu(round(row_h * len(rows) * PX)),
    )  # fmt: skip
    native = shape.table
    native.first_row = rows[0][0].getparent().getparent().tag == "thead" or all(
        c.tag == "th" for c in rows[0]
    )
    native.horz_banding = False
    _clear_style(shape)
    _column_widths(native, rows, n_cols, w)
    for r, cells in enumerate(rows):
        native.rows[r].height = Emu(round(row_h * PX))
        for c in range(n_cols):
            cell = native.cell(r, c)
            if c < len(cells):
                _fill_cell(cell, cells[c], styler, scale, over)
            else:
                cell.fill.background()
    return warnings


def _column_widths(native: object, rows: list[list[HtmlElement]], n_cols: int, w: float) -> None:
    """Size columns by their longest text (capped), as a browser's automatic table layout."""
    longest = [
        max((len(row[c].text_content().strip()) for row in rows if c < len(row)), default=1)
        for c in range(n_cols)
    ]
    weights = [min(n, 40) + 6 for n in longest]
    for c, weight in enumerate(weights):
        width = Emu(round(w * weight / sum(weights) * PX))
        native.columns[c].width = width  # type: ignore[attr-defined]


def _clear_style(shape: object) -> None:
    """Use the 'No Style, No Grid' table style so only our fills and borders show."""
    tbl = shape._element.graphic.graphicData.tbl  # type: ignore[attr-defined]
    style = tbl.tblPr.find(qn("a:tableStyleId"))
    if style is None:
        style = tbl.tblPr.makeelement(qn("a:tableStyleId"), {})
        tbl.tblPr.append(style)
    style.text = "{2D5ABB26-0587-4C30-8999-92F81FD0307C}"


def _fill_cell(
    cell: object, el: HtmlElement, styler: Styler, scale: float, over: tuple[int, int, int]
) -> None:
    decls = styler.decls(el)
    style: TextStyle = styler.style(el)
    background = decls.get("background-color") or decls.get("background")
    colour = parse_colour(background, over) if background else None
    if colour:
        cell.fill.solid()  # type: ignore[attr-defined]
        cell.fill.fore_color.rgb = RGBColor.from_string(colour)  # type: ignore[attr-defined]
    else:
        cell.fill.background()  # type: ignore[attr-defined]
    top, right, bottom, left = padding(decls, style.size)
    cell.margin_top, cell.margin_bottom = (
        Emu(round(top * PX * scale)),
        Emu(round(bottom * PX * scale)),
    )  # type: ignore[attr-defined]
    cell.margin_left, cell.margin_right = Emu(round(left * PX)), Emu(round(right * PX))  # type: ignore[attr-defined]
    border = decls.get("border-bottom")
    if border and (line := parse_colour(border, over)):
        _bottom_border(cell, line)
    frame = cell.text_frame  # type: ignore[attr-defined]
    frame.word_wrap = True
    text = " ".join(el.text_content().split())
    para = frame.paragraphs[0]
    para.alignment = _ALIGN.get(style.align)
    run = para.add_run()
    run.text = text.upper() if style.upper else text
    font = run.font
    font.size = Pt(style.size * 0.75 * scale)
    font.bold, font.italic, font.name = style.bold, style.italic, style.font
    font.color.rgb = RGBColor.from_string(style.color)


def _bottom_border(cell: object, colour: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    line = tc_pr.makeelement(qn("a:lnB"), {"w": "9525", "cap": "flat", "cmpd": "sng"})
    solid = line.makeelement(qn("a:solidFill"), {})
    solid.append(solid.makeelement(qn("a:srgbClr"), {"val": colour}))
    line.append(solid)
    tc_pr.insert(0, line)  # borders precede the cell fill in the schema
