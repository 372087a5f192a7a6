"""First-slide thumbnails for History, rendered once per deck version and kept in the process.

The cache is keyed by (session id, deck version): a rerun or another page of History costs no
query and no render for decks already seen; a changed deck gets a new key.
"""

from __future__ import annotations

from collections import OrderedDict

import streamlit as st

from slidegen.db.database import Session
from slidegen.deck import Slide
from slidegen.identity import User
from slidegen.render.document import sandboxed_slide
from slidegen.schemas.sessions import SessionSummary
from slidegen.services.sessions import queries as sessions

MAX_THUMBNAILS = 3000
Key = tuple[str, int]


@st.cache_resource(show_spinner=False)
def _cache() -> OrderedDict[Key, str]:
    return OrderedDict()


def thumbnails(session: Session, user: User, items: list[SessionSummary]) -> dict[str, str]:
    """Return the thumbnail shell HTML of each listed deck that has slides."""
    cache = _cache()
    wanted = {(i.session_id, i.deck_version) for i in items if i.slide_count}
    missing = [key for key in wanted if key not in cache]
    if missing:
        found = sessions.first_slides(session, user, session_ids=[sid for sid, _ in missing])
        for session_id, version in missing:
            if session_id in found:
                slide_json, css = found[session_id]
                slide = Slide.model_validate_json(slide_json)
                cache[(session_id, version)] = sandboxed_slide(
                    slide, css, label="First slide", fill_frame=True
                )
        while len(cache) > MAX_THUMBNAILS:
            cache.popitem(last=False)
    return {sid: cache[(sid, v)] for sid, v in wanted if (sid, v) in cache}
