"""Typed errors that carry a message a user can act on."""

from __future__ import annotations


class SlidegenError(Exception):
    """An error whose message is fit to show to a user as it is."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class ConfigurationError(SlidegenError):
    """The environment or a profile is configured in a way that cannot work."""


class DatabaseUnavailableError(SlidegenError):
    """The database cannot be reached or is not migrated."""


class NotFoundError(SlidegenError):
    """A named thing (profile, session, style...) does not exist."""


class PermissionDeniedError(SlidegenError):
    """The current user may not do this."""


class InvalidInputError(SlidegenError):
    """Input was rejected; the message says what to change."""


class ConflictError(SlidegenError):
    """A concurrent change or a uniqueness rule prevents the action."""
