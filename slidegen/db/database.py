"""A database handle: one engine per process and a unit of work per user action."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from slidegen.config import Settings
from slidegen.db.engine import TokenProvider, create_db_engine
from slidegen.db.errors import translate_db_error

__all__ = ["Database", "Session"]  # Session: the unit of work's type, for callers' hints


class Database:
    """The engine, its session factory, and error translation for one database."""

    def __init__(self, settings: Settings, *, token_provider: TokenProvider | None = None) -> None:
        self.settings = settings
        self.engine: Engine = create_db_engine(settings, token_provider=token_provider)
        # Objects stay readable after commit; services return DTOs anyway.
        self.factory: sessionmaker[Session] = sessionmaker(bind=self.engine, expire_on_commit=False)

    @contextmanager
    def scope(self) -> Iterator[Session]:
        """Yield a session that commits on success and rolls back on any error."""
        session = self.factory()
        try:
            yield session
            session.commit()
        except SQLAlchemyError as exc:
            session.rollback()
            raise translate_db_error(exc, self.settings) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """Yield a unit of work whose every read sees the database at one moment.

        For a page that reads several things to draw them together (a deck, its conversation,
        its last request). PostgreSQL's default, READ COMMITTED, gives each statement the
        latest commits, so a request finishing between two reads shows its reply beside the
        deck it replaced; REPEATABLE READ takes one snapshot for the transaction. SQLite
        needs nothing: its transactions begin IMMEDIATE, so nothing commits during one.
        """
        with self.scope() as session:
            if self.engine.dialect.name == "postgresql":
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
