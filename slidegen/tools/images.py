"""A tool the LLM calls to find library images it may place in slides by reference."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slidegen.schemas.library import ImagePage
from slidegen.tools.base import (
    ToolError,
    ToolKind,
    ToolResult,
    format_untrusted_table,
    string_argument,
)

TOOL_NAME = "search_image_library"
MAX_RESULTS = 20
# search(text, limit): the library's active images matching every word ("" for all).
ImageSearch = Callable[[str, int], ImagePage]


class ImageLibraryTool:
    """Search the image library by words; answers with `image:NAME` references to use."""

    kind: ToolKind = "images"

    name = TOOL_NAME
    description = (
        "Search the organisation's image library (logos, icons, photos) by words such as "
        "'logo' or 'team photo'. Returns each image's reference, description and tags. To "
        'place an image, write <img src="image:NAME" alt="..."> with a returned NAME; never '
        "invent names or use other URLs."
    )
    parameters: dict[str, Any] = {
        "type": "object",
        "properties": {
            "query": {"type": "string", "description": "words to look for; '*' lists all"}
        },
        "required": ["query"],
    }

    def __init__(self, search: ImageSearch) -> None:
        self._search = search

    def run(self, arguments: dict[str, Any]) -> ToolResult:
        """Return the best matching images (at most 20) as an untrusted-data table."""
        query = string_argument(arguments, "query", max_chars=200)
        try:
            found = self._search("" if query == "*" else query, MAX_RESULTS)
        except Exception as exc:  # the database is down: tell the model, do not fail the run
            raise ToolError("The image library is unavailable right now.") from exc
        rows = [
            [f"image:{image.name}", image.description or "", ", ".join(image.tags)]
            for image in found.images
        ]
        note = None if rows else "No library image matches; do not use images for this."
        return ToolResult(
            content=format_untrusted_table(
                "image library", ["reference", "description", "tags"], rows, note=note
            ),
            columns=["reference", "description", "tags"],
            rows=rows,
            row_count=len(rows),
            truncated=found.total > MAX_RESULTS,
            summary=f"Searched the image library for “{query}”: {len(rows)} images",
        )
