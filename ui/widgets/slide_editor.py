"""Edit one slide by hand: HTML with a live, sanitised preview, speaker notes, chart data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st
from streamlit_ace import st_ace

from slidegen.deck import CHART_TYPES, ChartSeries, ChartSpec, Slide
from slidegen.errors import SlidegenError
from slidegen.render.parse import parse_slide_fragment
from slidegen.render.pretty import pretty_html
from slidegen.schemas.decks import SlideOut
from slidegen.services.decks import store as decks
from ui.db import session_scope
from ui.errors import user_errors
from ui.text import plain
from ui.user import current_user
from ui.widgets.deck_view import show_slide

SaveSlide = Callable[..., None]  # save(slide_id=..., html=..., notes=..., charts=...)


def _chart_table(chart: ChartSpec) -> list[dict[str, Any]]:
    return [
        {
            "category": str(category),
            **{
                s.name or f"series {n + 1}": s.values[i] if i < len(s.values) else None
                for n, s in enumerate(chart.series)
            },
        }
        for i, category in enumerate(chart.categories)
    ]


def _chart_from_table(chart: ChartSpec, kind: str, rows: list[dict[str, Any]]) -> ChartSpec:
    names = [s.name or f"series {n + 1}" for n, s in enumerate(chart.series)]
    series = [
        ChartSeries(name=name, values=[_number(row.get(name)) for row in rows]) for name in names
    ]
    return chart.model_copy(
        update={
            "type": kind,
            "categories": [str(row.get("category") or "") for row in rows],
            "series": series,
        }
    )


def _number(value: Any) -> float | None:
    try:
        return None if value is None or value == "" else float(value)
    except (TypeError, ValueError):
        return None


def _images(html: str) -> dict[str, str]:
    with user_errors(), session_scope() as session:
        return decks.preview_images(session, current_user(), htmls=[html])


def slide_editor(slide: SlideOut, css: str, version: int, save: SaveSlide) -> None:
    """Render the editor tabs; Save applies the change with the deck's version check."""
    html_tab, notes_tab, charts_tab = st.tabs(
        ["HTML", "Speaker notes", f"Charts ({len(slide.charts)})"]
    )
    with html_tab:
        laid_out = pretty_html(slide.html)  # one block a line, not one long line
        edited = st_ace(
            value=laid_out,
            language="html",
            theme="chrome",
            height=260,
            wrap=True,
            auto_update=True,
            key=f"ace-{slide.slide_id}-{version}",
        )
        preview = parse_slide_fragment(edited or "")
        if preview is None:
            st.warning(
                'The HTML contains no slide; wrap it in <section class="slide">.',
                icon=":material/warning:",
            )
        else:
            st.caption("Preview (sanitised as it will be saved):")
            show_slide(
                Slide(slide_id=slide.slide_id, html=preview.html, charts=slide.charts),
                css,
                "Preview",
                _images(preview.html),  # library images, also ones newly named in the editor
            )
    with notes_tab:
        notes = st.text_area(
            "Speaker notes", value=slide.notes, height=200, key=f"notes-{slide.slide_id}-{version}"
        )
    charts = []
    with charts_tab:
        for chart in slide.charts:
            st.markdown(f"**{plain(chart.title or 'Chart')}**")
            kind = st.selectbox(
                "Type",
                CHART_TYPES,
                index=CHART_TYPES.index(chart.type),
                key=f"type-{chart.chart_id}-{version}",
            )
            rows = st.data_editor(
                _chart_table(chart),
                num_rows="dynamic",
                key=f"data-{chart.chart_id}-{version}",
                hide_index=True,
            )
            charts.append(_chart_from_table(chart, kind, rows))
        if not slide.charts:
            st.caption("This slide has no chart.")
    if st.button(
        "Save slide", type="primary", icon=":material/save:", key=f"save-{slide.slide_id}"
    ):
        try:
            save(
                slide_id=slide.slide_id,
                html=edited if edited not in (laid_out, slide.html) else None,
                notes=notes if notes != slide.notes else None,
                charts=charts or None,
            )
        except SlidegenError as exc:
            st.error(plain(exc.user_message), icon=":material/error:")
