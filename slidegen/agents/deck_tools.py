"""What the MCP tools do: each a thin call into the services, as the acting user.

Generations and exports run as the usual background jobs on the process's job pool; the
tools follow them by reading the same service views the Chat page polls.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.to_thread

from slidegen.db.database import Database
from slidegen.errors import InvalidInputError, SlidegenError
from slidegen.identity import User
from slidegen.schemas.decks import SessionDetail
from slidegen.schemas.exports import ExportJobOut
from slidegen.services.decks import store as decks
from slidegen.services.exports import jobs as exports
from slidegen.services.generation import chat_requests as requests
from slidegen.services.jobs.pool import runner_for
from slidegen.services.library import deck_prompts
from slidegen.services.profiles import queries as profiles
from slidegen.services.sessions import queries as sessions

POLL_SECONDS = 0.1
# Called with (slide number, slide title) once for every slide stored, in order.
SlideStored = Callable[[int, str], Awaitable[None]]


@dataclass
class ExportedFile:
    """A finished export: its bytes, download name, MIME type and the job's warnings."""

    data: bytes
    name: str
    mime: str
    job: ExportJobOut


class DeckTools:
    """The deck tools of one user on one database."""

    def __init__(self, db: Database, user: User) -> None:
        self.db = db
        self.user = user

    async def _call(self, verb: Callable[..., Any], **options: Any) -> Any:
        """Run one service verb in its own unit of work, off the event loop."""

        def unit_of_work() -> Any:
            with self.db.scope() as session:
                return verb(session, self.user, **options)

        return await anyio.to_thread.run_sync(unit_of_work)

    async def generate(
        self, prompt: str, profile: str | None, on_slide: SlideStored
    ) -> SessionDetail:
        """Generate a new deck; report each slide as it is stored; return the deck."""
        handle = await self._call(requests.start_generation, prompt=prompt, profile_name=profile)
        return await self._follow(handle, on_slide)

    async def edit(
        self, session_id: str, instruction: str, slides: list[int | str] | None
    ) -> SessionDetail:
        """Edit slides (1-based numbers or slide ids; none: those named in the text)."""
        chosen = slide_selection(slides) or []
        numbers = [s for s in chosen if isinstance(s, int)]
        ids = [s for s in chosen if isinstance(s, str)]
        handle = await self._call(
            requests.start_edit,
            session_id=session_id,
            instruction=instruction,
            slide_numbers=numbers or None,
            slide_ids=ids or None,
        )
        return await self._follow(handle, None)

    async def _follow(
        self, handle: requests.RequestHandle, on_slide: SlideStored | None
    ) -> SessionDetail:
        """Run the request on the job pool and wait for it, as the CLI does."""
        future = runner_for(self.db, self.db.settings).submit(handle.request_id)
        reported = 0
        while True:
            detail: SessionDetail = await self._call(
                decks.show_session, session_id=handle.session_id
            )
            if on_slide is not None:
                # Slides are stored one by one; a poll may see several new ones at once.
                for number in range(reported + 1, len(detail.slides) + 1):
                    await on_slide(number, decks.slide_title(detail.slides[number - 1].html))
                reported = max(reported, len(detail.slides))
            request = detail.last_request
            finished = request is not None and not request.is_running
            if finished and future.done():
                break
            await anyio.sleep(POLL_SECONDS)
        future.result()
        if request is not None and request.status == "error":
            raise SlidegenError(request.error_message or "The request failed.")
        # Read once more: the job rates the slides after the request completes, and the poll
        # above may have read the deck before the ratings were stored.
        return await self._call(decks.show_session, session_id=handle.session_id)

    async def deck(self, session_id: str) -> SessionDetail:
        """Return a deck the user may read."""
        return await self._call(decks.show_session, session_id=session_id)

    async def decks(self, search: str | None, scope: str) -> dict[str, Any]:
        """Return the decks the user may read, most recently active first."""
        page = await self._call(sessions.list_sessions, scope=scope, search=search)
        return page.model_dump(mode="json")

    async def profiles(self) -> list[dict[str, Any]]:
        """Return the profiles the user may use."""
        items = await self._call(profiles.list_profiles)
        return [item.model_dump(mode="json") for item in items]

    async def deck_prompts(self) -> list[dict[str, Any]]:
        """Return the active deck prompts of the library."""
        items = await self._call(deck_prompts.search_deck_prompts, active_only=True)
        return [item.model_dump(mode="json") for item in items]

    async def export(self, session_id: str, format: str) -> ExportedFile:
        """Export the deck through the export job; return the finished file."""
        if (
            format not in exports.FILE_FORMATS
        ):  # Google Slides is a link in the user's account, not a file
            raise InvalidInputError(f"Unknown export format {format!r}; use pptx, html or pdf.")
        job: ExportJobOut = await self._call(
            exports.start_export, session_id=session_id, format=format
        )
        future = runner_for(self.db, self.db.settings).submit_export(job.job_id)
        while not (job.done and future.done()):
            await anyio.sleep(POLL_SECONDS)
            job = await self._call(exports.get_export, job_id=job.job_id)
        future.result()
        if job.status == "error":
            raise SlidegenError(job.error_message or "The export failed.")
        data, name, mime = await self._call(exports.export_file, job_id=job.job_id)
        return ExportedFile(data=data, name=name, mime=mime, job=job)


def slide_selection(slides: list[int | str] | None) -> list[int | str] | None:
    """Normalise a selection: numbers as numbers ("2" too), slide ids as given."""
    if not slides:
        return None
    chosen: list[int | str] = []
    for item in slides:
        if isinstance(item, str) and item.strip().isdigit():
            chosen.append(int(item.strip()))
        elif isinstance(item, str) and item.strip():
            chosen.append(item.strip())
        elif isinstance(item, int) and not isinstance(item, bool):
            chosen.append(item)
        else:
            raise InvalidInputError(f"Slides are numbers (2) or slide ids (s-...); got {item!r}.")
    return chosen
