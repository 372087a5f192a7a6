"""Places on a page that keep their position whether or not they hold anything.

Streamlit's browser side matches the elements of a new script run to those of the last run by
position (the delta path), not by key. A block that arrives where a block of the same kind
stood inherits the old block's children, and a widget that arrives where another widget stood
keeps the old one on screen next to it; both stay until the run finishes, and a run on a loaded
machine (or a polling fragment that ends with `st.rerun()`) can take seconds. A control drawn at
one place in one run and at another place in the next therefore shows twice meanwhile (two
request boxes, two view switches, a disabled copy of a tick box).

So every part of a page that comes and goes gets a slot of its own, always created in the same
order: a container when it is shown, an `st.empty()` when it is not. The empty element replaces
whatever the slot held at once, so nothing stale lingers beside the new content.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator


def slot(shown: bool, *, key: str | None = None) -> DeltaGenerator | None:
    """Return a container at this place when `shown`; otherwise clear the place and return None.

    Use it as `if (place := slot(shown)): with place: ...`.
    """
    if shown:
        return st.container(key=key)
    st.empty()
    return None
