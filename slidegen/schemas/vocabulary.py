"""The closed vocabularies services return: job states, visibilities, rights, permission levels.

The database keeps the same words in CHECK constraints (`slidegen/db/models`); a unit test
holds the two lists together.
"""

from __future__ import annotations

from typing import Literal, get_args

JobStatus = Literal["pending", "running", "completed", "error"]
Visibility = Literal["private", "shared", "workspace"]
GrantPermission = Literal["read", "edit"]  # what a grant gives
Right = Literal["read", "edit", "manage"]  # what a user has on a session (manage: the owner)
ProfilePermission = Literal["CAN_USE", "CAN_EDIT", "CAN_MANAGE"]
ExportFormat = Literal["pptx", "html", "pdf", "gslides"]
NotesPlacement = Literal["none", "pages", "appendix"]  # where a PDF puts the speaker notes

UNFINISHED: frozenset[str] = frozenset({"pending", "running"})
FINISHED: frozenset[str] = frozenset(get_args(JobStatus)) - UNFINISHED
