"""Google Slides export: time per slide against the fake Google on 127.0.0.1.

The 30-slide deck with 10 charts and 5 tables (tests/export_corpus.speed_deck) is exported
through the real google-api-python-client and google-auth over HTTP to the fake Google server
(tests/fakes/google_server.py), as the export job does it (tokens read and decrypted from a
SQLite database, the presentation remembered): the first export creates the presentation,
the next ones replace its slides. Medians of several runs; the baselines in the same run are
the request building alone (no HTTP) and the native PPTX export of the same deck. Real Google
adds its own latency per call (not measurable from here): the export makes 1 create or get,
2 batchUpdate calls and 1 get whatever the deck's size.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from cryptography.fernet import Fernet

from slidegen.config import Settings
from slidegen.db import migrate
from slidegen.db.database import Database
from slidegen.export.gslides import plan_deck
from slidegen.export.pptx import export_pptx
from slidegen.identity import User
from slidegen.services.decks import store as decks
from slidegen.services.exports import google_auth
from slidegen.services.exports.google_slides import export_google_slides
from tests.export_corpus import speed_deck
from tests.factories import make_session
from tests.fakes.google_server import FakeGoogle

RUNS = 7
USER = User(name="bench@example.com", display_name="Bench")


def _median_ms(action: object, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    """Print the Google Slides export's time per slide and its baselines."""
    google = FakeGoogle().start()
    with tempfile.TemporaryDirectory(prefix="sg-gslides-") as tmp:
        settings = Settings(
            DATABASE_URL=f"sqlite:///{Path(tmp) / 'bench.db'}",
            SLIDEGEN_GOOGLE_CLIENT_ID="bench",
            SLIDEGEN_GOOGLE_CLIENT_SECRET="bench",
            SLIDEGEN_GOOGLE_REDIRECT_URI="http://localhost:8501/",
            SLIDEGEN_GOOGLE_TOKEN_KEY=Fernet.generate_key().decode(),
            SLIDEGEN_GOOGLE_AUTH_URI=f"{google.base_url}/auth",
            SLIDEGEN_GOOGLE_TOKEN_URI=f"{google.base_url}/token",
            SLIDEGEN_GOOGLE_SLIDES_ENDPOINT=google.base_url,
        )
        db = Database(settings)
        migrate.upgrade(db.engine)
        deck = speed_deck()
        with db.scope() as session:
            url = google_auth.start_google_connect(session, USER, settings=settings)
            state = url.split("state=")[1].split("&")[0]
            google_auth.complete_google_connect(
                session, USER, settings=settings, state=state, code=google.issue_code()
            )
            row = make_session(USER.name, title=deck.title)
            session.add(row)
            session.flush()
            decks.store_deck(session, row, deck, user=USER, expected_version=0)
            session_pk = row.id

        def export() -> None:
            export_google_slides(
                db, deck=deck, session_pk=session_pk, user_name=USER.name, settings=settings
            )

        n = len(deck.slides)
        before = len(google.requests)
        start = time.perf_counter()
        export()  # the first export creates the presentation
        create_ms = (time.perf_counter() - start) * 1000
        first = google.requests[before:]
        calls = ", ".join(f"{r.method} {r.path.split('/')[-1][:30]}" for r in first)
        sizes = [len(r.body["requests"]) for r in first if r.path.endswith(":batchUpdate")]
        update_ms = _median_ms(export)
        plan_ms = _median_ms(lambda: plan_deck(deck, prefix="sgbench"))
        pptx_ms = _median_ms(lambda: export_pptx(deck))
        db.dispose()
    google.stop()
    print(f"Google Slides export ({n} slides, 10 charts, 5 tables; fake Google on 127.0.0.1):")
    print(f"  first export (create)      {create_ms:7.0f} ms total {create_ms / n:6.1f} ms/slide")
    print(
        f"  re-export (median of {RUNS})    {update_ms:7.0f} ms total {update_ms / n:6.1f} ms/slide"
    )
    print(f"  requests building only     {plan_ms:7.0f} ms total {plan_ms / n:6.1f} ms/slide")
    print(
        f"  PPTX export (baseline)     {pptx_ms:7.0f} ms total {pptx_ms / n:6.1f} ms/slide"
        f"  (re-export / PPTX: {update_ms / pptx_ms:.1f}x)"
    )
    print(f"  HTTP calls of the first export: {len(first)} ({calls})")
    print(f"  requests per batchUpdate: {sizes}")


if __name__ == "__main__":
    main()
