"""The offline engine picks its data source by what a tool is, never by a parameter's name.

The image library's search tool also takes a `query`; with an image in the library it comes
first in the tool list. A profile with several data sources must still get its data slides.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from slidegen.db.models import ConfigDataSource, ConfigProfile
from slidegen.llm.offline_data import QUERIES
from slidegen.llm.offline_estimates import ESTIMATES
from slidegen.services.library import images
from slidegen.services.seed import SAMPLE_SOURCE_URL
from tests.factories import make_profile
from tests.integration.test_generation import (
    ALICE,
    Workspace,
    generate,
    messages,
    request_row,
    show,
    workspace_fixture,  # noqa: F401 (the module's `ws` fixture, used by name)
)
from tests.library_files import image_bytes

PROFILE = "several-sources"


def _other_database(path: Path) -> str:
    """A second SQL data source without the sample table (its tool comes first)."""
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, amount REAL)")
        connection.execute("INSERT INTO orders (amount) VALUES (12.5), (40)")
    return f"sqlite:///{path}"


def test_generation_with_images_and_several_sources_queries_the_data_source(
    ws: Workspace, tmp_path: Path
) -> None:
    with ws.db.scope() as session:
        images.upload_image(session, ALICE, filename="logo.png", data=image_bytes("PNG"))
        profile: ConfigProfile = make_profile(PROFILE)
        profile.data_sources += [
            ConfigDataSource(name="orders_db", url=_other_database(tmp_path / "orders.db")),
            ConfigDataSource(name="consumption", url=SAMPLE_SOURCE_URL),
        ]
        session.add(profile)

    handle = generate(
        ws, prompt="Cloud cost review: monthly trend and SKU mix", profile_name=PROFILE
    )

    assert request_row(ws, handle.request_id).status == "completed"
    calls = [m.metadata for m in messages(ws, handle.session_id) if m.role == "tool"]
    # Every query went to the SQL source holding the sample table, none to the image search
    # (which also has a `query` parameter) or to the other database, and each returned rows.
    assert [c["tool"] for c in calls] == ["consumption"] * (len(QUERIES) + len(ESTIMATES))
    assert all(c["error"] is None and c["row_count"] > 0 for c in calls), calls
    charted = [s for s in show(ws, handle.session_id).slides if s.charts]
    assert len(charted) >= 2, "the data slides were lost"
