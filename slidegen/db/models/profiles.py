"""Configuration profiles and the per-profile configuration domains."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from slidegen.config import LLM_PROVIDERS
from slidegen.db.base import AuthoredMixin, Base, CreatedUpdatedMixin, in_check, utcnow

if TYPE_CHECKING:
    from slidegen.db.models.library import SlideDeckPrompt, SlideStyle

PROVIDERS = LLM_PROVIDERS
IDENTITY_TYPES = ("USER", "GROUP")
PROFILE_PERMISSIONS = ("CAN_USE", "CAN_EDIT", "CAN_MANAGE")


class ConfigProfile(AuthoredMixin, Base):
    """A named configuration; exactly one is the default."""

    __tablename__ = "config_profiles"
    __table_args__ = (
        # Names are unique among live profiles; a soft-deleted name can be reused.
        Index(
            "uq_config_profiles_name_live",
            "name",
            unique=True,
            sqlite_where=text("NOT is_deleted"),
            postgresql_where=text("NOT is_deleted"),
        ),
        # At most one default, enforced by the database on both engines.
        Index(
            "uq_config_profiles_single_default",
            "is_default",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    global_permission: Mapped[str | None] = mapped_column(String(20))
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    deleted_at: Mapped[datetime | None]

    ai_infra: Mapped[ConfigAIInfra | None] = relationship(
        back_populates="profile", cascade="all, delete-orphan", passive_deletes=True
    )
    genie_spaces: Mapped[list[ConfigGenieSpace]] = relationship(
        back_populates="profile",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ConfigGenieSpace.id",
    )
    mlflow: Mapped[ConfigMLflow | None] = relationship(
        back_populates="profile", cascade="all, delete-orphan", passive_deletes=True
    )
    prompts: Mapped[ConfigPrompts | None] = relationship(
        back_populates="profile", cascade="all, delete-orphan", passive_deletes=True
    )
    history: Mapped[list[ConfigHistory]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", passive_deletes=True
    )
    contributors: Mapped[list[ConfigProfileContributor]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", passive_deletes=True
    )
    data_sources: Mapped[list[ConfigDataSource]] = relationship(
        back_populates="profile",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ConfigDataSource.id",
    )


class ConfigAIInfra(CreatedUpdatedMixin, Base):
    """Which LLM a profile uses and how."""

    __tablename__ = "config_ai_infra"
    __table_args__ = (
        CheckConstraint(in_check("provider", PROVIDERS), name="provider_known"),
        CheckConstraint("llm_temperature >= 0 AND llm_temperature <= 1", name="temperature_range"),
        CheckConstraint("llm_max_tokens > 0", name="max_tokens_positive"),
        CheckConstraint("llm_timeout_s > 0", name="timeout_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("config_profiles.id", ondelete="CASCADE"), unique=True
    )
    provider: Mapped[str] = mapped_column(String(20), default="offline")
    llm_endpoint: Mapped[str] = mapped_column(String(255))
    base_url: Mapped[str | None] = mapped_column(String(500))
    llm_temperature: Mapped[float] = mapped_column(Numeric(3, 2, asdecimal=False), default=0.7)
    llm_max_tokens: Mapped[int] = mapped_column(Integer, default=60000)
    llm_timeout_s: Mapped[int] = mapped_column(Integer, default=120)

    profile: Mapped[ConfigProfile] = relationship(back_populates="ai_infra")


class ConfigGenieSpace(CreatedUpdatedMixin, Base):
    """A Genie space the profile's generations may query (each becomes a data tool)."""

    __tablename__ = "config_genie_spaces"
    __table_args__ = (UniqueConstraint("profile_id", "space_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("config_profiles.id", ondelete="CASCADE"), index=True
    )
    space_id: Mapped[str] = mapped_column(String(255))
    space_name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)

    profile: Mapped[ConfigProfile] = relationship(back_populates="genie_spaces")


class ConfigDataSource(CreatedUpdatedMixin, Base):
    """A SQL database the profile's generations may query read-only (each becomes a data tool).

    `url` is a SQLAlchemy URL without a password (secrets stay in the environment),
    `databricks-sql://WAREHOUSE_ID/CATALOG/SCHEMA` for a Databricks SQL warehouse queried as
    each user, or `sample:` for the built-in workspace consumption dataset.
    """

    __tablename__ = "config_data_sources"
    __table_args__ = (
        UniqueConstraint("profile_id", "name"),
        CheckConstraint("max_rows > 0", name="max_rows_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("config_profiles.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(1000))
    description: Mapped[str | None] = mapped_column(Text)
    max_rows: Mapped[int] = mapped_column(Integer, default=200)

    profile: Mapped[ConfigProfile] = relationship(back_populates="data_sources")


class ConfigMLflow(CreatedUpdatedMixin, Base):
    """Where a profile's traces go."""

    __tablename__ = "config_mlflow"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("config_profiles.id", ondelete="CASCADE"), unique=True
    )
    experiment_name: Mapped[str] = mapped_column(String(500))

    profile: Mapped[ConfigProfile] = relationship(back_populates="mlflow")


class ConfigPrompts(CreatedUpdatedMixin, Base):
    """A profile's prompts and its selected deck prompt and slide style."""

    __tablename__ = "config_prompts"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("config_profiles.id", ondelete="CASCADE"), unique=True
    )
    selected_deck_prompt_id: Mapped[int | None] = mapped_column(
        ForeignKey("slide_deck_prompt_library.id", ondelete="SET NULL"), index=True
    )
    selected_slide_style_id: Mapped[int | None] = mapped_column(
        ForeignKey("slide_style_library.id", ondelete="SET NULL"), index=True
    )
    system_prompt: Mapped[str] = mapped_column(Text)
    slide_editing_instructions: Mapped[str] = mapped_column(Text)
    user_prompt_template: Mapped[str] = mapped_column(Text, default="{question}")

    profile: Mapped[ConfigProfile] = relationship(back_populates="prompts")
    deck_prompt: Mapped[SlideDeckPrompt | None] = relationship()
    slide_style: Mapped[SlideStyle | None] = relationship()


class ConfigHistory(Base):
    """One audited change to a profile: field-level old/new values and a full snapshot."""

    __tablename__ = "config_history"
    __table_args__ = (Index("ix_config_history_profile_id_timestamp", "profile_id", "timestamp"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("config_profiles.id", ondelete="CASCADE"))
    domain: Mapped[str] = mapped_column(String(50), index=True)
    action: Mapped[str] = mapped_column(String(50))
    changed_by: Mapped[str] = mapped_column(String(255), index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    snapshot: Mapped[dict[str, Any] | None]
    timestamp: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    profile: Mapped[ConfigProfile] = relationship(back_populates="history")


class ConfigProfileContributor(CreatedUpdatedMixin, Base):
    """A user or group granted access to a profile."""

    __tablename__ = "config_profile_contributors"
    __table_args__ = (
        UniqueConstraint("profile_id", "identity_id"),
        CheckConstraint(in_check("identity_type", IDENTITY_TYPES), name="identity_type_known"),
        CheckConstraint(in_check("permission_level", PROFILE_PERMISSIONS), name="permission_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("config_profiles.id", ondelete="CASCADE"))
    identity_type: Mapped[str] = mapped_column(String(10))
    identity_id: Mapped[str] = mapped_column(String(255))
    identity_name: Mapped[str] = mapped_column(String(255))
    permission_level: Mapped[str] = mapped_column(String(20), default="CAN_USE")
    created_by: Mapped[str | None] = mapped_column(String(255))

    profile: Mapped[ConfigProfile] = relationship(back_populates="contributors")


class UserProfilePreference(Base):
    """A user's personal default profile (falls back to the system default)."""

    __tablename__ = "user_profile_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_name: Mapped[str] = mapped_column(String(255), unique=True)
    default_profile_id: Mapped[int | None] = mapped_column(
        ForeignKey("config_profiles.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
