"""Turn database driver errors into sentences a user can act on."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    DBAPIError,
    OperationalError,
    ProgrammingError,
    SQLAlchemyError,
)

from slidegen.config import Settings
from slidegen.db.engine import lakebase_url
from slidegen.errors import DatabaseUnavailableError

_MISSING_TABLE_MARKERS = ("no such table", "does not exist", "undefinedtable")


def database_label(settings: Settings) -> str:
    """Return the database's URL with any password hidden."""
    if settings.uses_lakebase:
        try:
            return lakebase_url(settings).render_as_string(hide_password=True)
        except Exception:  # incomplete Lakebase settings are reported elsewhere
            return "Lakebase"
    try:
        return make_url(settings.database_url).render_as_string(hide_password=True)
    except Exception:
        return "the configured database"


def translate_db_error(exc: SQLAlchemyError, settings: Settings) -> DatabaseUnavailableError:
    """Return a user-facing error for a failed database operation."""
    label = database_label(settings)
    detail = _first_line(exc)
    if isinstance(exc, (OperationalError, ProgrammingError)) and any(
        marker in detail.lower() for marker in _MISSING_TABLE_MARKERS
    ):
        return DatabaseUnavailableError(
            f"The database at {label} is not set up yet; run `python -m slidegen db upgrade` "
            "and `python -m slidegen db seed`."
        )
    if isinstance(exc, OperationalError):
        return DatabaseUnavailableError(f"Cannot use the database at {label}: {detail}.")
    return DatabaseUnavailableError(f"The database at {label} refused the operation: {detail}.")


def _first_line(exc: SQLAlchemyError) -> str:
    original = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = str(original).strip().splitlines()
    return text[0].rstrip(".") if text else type(original).__name__
