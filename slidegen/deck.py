"""The deck model: what is stored in `session_slide_decks.deck_json` and returned by `show`."""

from __future__ import annotations

import html
import json
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ChartType = Literal["bar", "column", "stacked", "line", "area", "pie", "doughnut", "scatter"]
CHART_TYPES: tuple[str, ...] = ChartType.__args__  # type: ignore[attr-defined]
MAX_CHART_POINTS = 500


def new_id(prefix: str) -> str:
    """Return a short random id such as `s-3f2a9c1b`."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class ChartSeries(BaseModel):
    """One named series of numbers (None marks a missing value)."""

    model_config = ConfigDict(extra="ignore")

    name: str = ""
    values: list[float | None] = Field(max_length=MAX_CHART_POINTS)


class ChartSpec(BaseModel):
    """A chart declared as data (decision 2): rendered to SVG for HTML, native in PPTX."""

    model_config = ConfigDict(extra="ignore")

    chart_id: str = Field(default_factory=lambda: new_id("c"))
    type: ChartType
    title: str | None = None
    categories: list[str | float] = Field(default_factory=list, max_length=MAX_CHART_POINTS)
    series: list[ChartSeries] = Field(min_length=1, max_length=20)
    x_title: str | None = None
    y_title: str | None = None
    number_format: str | None = None
    colors: list[str] | None = None

    @field_validator("colors")
    @classmethod
    def _hex_colours_only(cls, colors: list[str] | None) -> list[str] | None:
        if colors is None:
            return None
        return [c for c in colors if _is_hex_colour(c)] or None


class Slide(BaseModel):
    """One 1280x720 slide: sanitised HTML, its charts and its speaker notes."""

    slide_id: str = Field(default_factory=lambda: new_id("s"))
    html: str
    charts: list[ChartSpec] = Field(default_factory=list)
    notes: str = ""


class Deck(BaseModel):
    """A deck: title, the style's CSS, and slides in order."""

    title: str = "Untitled deck"
    css: str = ""
    slides: list[Slide] = Field(default_factory=list)
    # Library image name -> data URI, filled by whoever renders or exports; never stored.
    images: dict[str, str] = Field(default_factory=dict, exclude=True, repr=False)

    def index_of(self, slide_id: str) -> int:
        """Return the position of a slide, or raise KeyError."""
        for index, slide in enumerate(self.slides):
            if slide.slide_id == slide_id:
                return index
        raise KeyError(slide_id)


def chart_figure(spec: dict[str, object]) -> str:
    """Return the slide contract's `<figure class="chart" data-chart='...'>` for a spec."""
    payload = html.escape(json.dumps(spec), quote=False).replace("'", "&#39;")
    return f"<figure class=\"chart\" data-chart='{payload}'></figure>"


def _is_hex_colour(value: str) -> bool:
    text = value.strip()
    return (
        text.startswith("#")
        and len(text) in (4, 7, 9)
        and all(c in "0123456789abcdefABCDEF" for c in text[1:])
    )
