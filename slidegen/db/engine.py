"""Engines for the three database targets: SQLite, PostgreSQL and Databricks Lakebase."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

from slidegen.config import Settings
from slidegen.db.base import utcnow
from slidegen.errors import ConfigurationError

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Refresh a Lakebase token this long before it expires, so no connection gets a dying one.
TOKEN_REFRESH_MARGIN = timedelta(minutes=5)


@dataclass(frozen=True)
class IssuedToken:
    """A database password that stops working at `expires_at`."""

    token: str
    expires_at: datetime


TokenProvider = Callable[[], IssuedToken]


class CachedToken:
    """Hands out a token, asking the provider for a new one shortly before expiry."""

    def __init__(
        self,
        provider: TokenProvider,
        *,
        clock: Callable[[], datetime] = utcnow,
        margin: timedelta = TOKEN_REFRESH_MARGIN,
    ) -> None:
        self._provider = provider
        self._clock = clock
        self._margin = margin
        self._lock = threading.Lock()
        self._current: IssuedToken | None = None
        self.refresh_count = 0

    def get(self) -> str:
        """Return a token valid for at least the refresh margin."""
        with self._lock:
            if self._current is None or self._clock() >= self._current.expires_at - self._margin:
                self._current = self._provider()
                self.refresh_count += 1
            return self._current.token

    def replace(self, rejected: str) -> str:
        """Return a fresh token after the server rejected `rejected` (a rotated credential).

        Only one caller fetches: others that were refused the same token get the new one.
        """
        with self._lock:
            if self._current is None or self._current.token == rejected:
                self._current = self._provider()
                self.refresh_count += 1
            return self._current.token


def create_db_engine(
    settings: Settings,
    *,
    token_provider: TokenProvider | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> Engine:
    """Create the process's engine for the configured database."""
    if settings.uses_lakebase:
        provider = token_provider or databricks_token_provider(settings)
        return _lakebase_engine(settings, CachedToken(provider, clock=clock))
    try:
        url = make_url(settings.database_url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with a terse text
        raise ConfigurationError(
            f"DATABASE_URL is not a valid database URL: {settings.database_url!r}."
        ) from exc
    backend = url.get_backend_name()
    if backend in ("postgres", "postgresql") and url.drivername in ("postgres", "postgresql"):
        # A plain postgresql:// URL means psycopg2 here, the driver we ship.
        url, backend = url.set(drivername="postgresql+psycopg2"), "postgresql"
    if backend == "sqlite":
        return _sqlite_engine(url)
    if backend == "postgresql":
        return _postgres_engine(url)
    raise ConfigurationError(
        f"DATABASE_URL uses {backend!r}; Slidegen supports sqlite and postgresql."
    )


def _sqlite_engine(url: URL) -> Engine:
    engine = create_engine(
        url,
        connect_args={
            "check_same_thread": False,
            "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
        },
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (savepoints work).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front, so a transaction that reads and then writes
        # waits (busy_timeout) for other writers instead of failing with SQLITE_BUSY_SNAPSHOT.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _postgres_engine(url: URL, **kwargs: Any) -> Engine:
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        pool_recycle=1800,
        **kwargs,
    )


def lakebase_url(settings: Settings) -> URL:
    """Return the password-less URL of the Lakebase database."""
    if not (settings.pghost and settings.pguser and settings.pgdatabase):
        raise ConfigurationError(
            "Lakebase needs PGHOST, PGUSER and PGDATABASE; add the database as an app resource."
        )
    return URL.create(
        "postgresql+psycopg2",
        username=settings.pguser,
        host=settings.pghost,
        port=settings.pgport,
        database=settings.pgdatabase,
        query={"sslmode": settings.pgsslmode},
    )


def _lakebase_engine(settings: Settings, token: CachedToken) -> Engine:
    connect_args: dict[str, Any] = {}
    if settings.lakebase_schema:
        connect_args["options"] = f"-c search_path={settings.lakebase_schema},public"
    engine = _postgres_engine(lakebase_url(settings), connect_args=connect_args)

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, _record: Any, cargs: Any, cparams: dict[str, Any]) -> Any:
        cparams["password"] = token.get()
        try:
            return dialect.connect(*cargs, **cparams)
        except dialect.loaded_dbapi.OperationalError as exc:
            # The workspace rotated the credential before our cached token expired: fetch a
            # fresh one once and retry, rather than failing until the cache runs out.
            if "password authentication failed" not in str(exc):
                raise
            cparams["password"] = token.replace(cparams["password"])
            return dialect.connect(*cargs, **cparams)

    return engine


def databricks_token_provider(settings: Settings) -> TokenProvider:
    """Return a provider of Lakebase OAuth tokens through databricks-sdk's unified auth."""

    def issue() -> IssuedToken:
        from databricks.sdk import WorkspaceClient  # heavy; only Lakebase needs it

        client = WorkspaceClient()
        if settings.lakebase_instance:
            credential = client.database.generate_database_credential(
                request_id=str(uuid.uuid4()),
                instance_names=[settings.lakebase_instance],
            )
            expires = _parse_time(credential.expiration_time)
            return IssuedToken(token=credential.token or "", expires_at=expires)
        oauth = client.config.oauth_token()
        expiry = oauth.expiry or utcnow() + timedelta(minutes=30)
        return IssuedToken(token=oauth.access_token, expires_at=_aware(expiry))

    return issue


def _parse_time(value: str | None) -> datetime:
    if not value:
        return utcnow() + timedelta(minutes=30)
    return _aware(datetime.fromisoformat(value.replace("Z", "+00:00")))


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
