"""Shared column helpers for the SQLModel tables.

Constraint names follow one convention so Alembic migrations are stable on SQLite and
PostgreSQL. Status-like columns are short strings guarded by CHECK constraints built from
Python enums (no native PG enum types: they make migrations painful).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol, TypeVar, overload

from sqlalchemy import JSON, CheckConstraint, DateTime, Index, text
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def timestamp(*, nullable: bool = False, index: bool = False, default_now: bool = True) -> Any:
    """A timezone-aware timestamp column (UTC)."""
    if nullable or not default_now:
        return Field(default=None, sa_type=DateTime(timezone=True), nullable=nullable, index=index)
    return Field(
        default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False, index=index
    )


def json_field(*, nullable: bool = True, default_factory: Any = None) -> Any:
    if default_factory is None:
        return Field(default=None, sa_type=JSON, nullable=nullable)
    return Field(default_factory=default_factory, sa_type=JSON, nullable=nullable)


def enum_field(enum: type[StrEnum], default: StrEnum | None = None, *, index: bool = False) -> Any:
    length = max(len(member.value) for member in enum)
    if default is None:
        return Field(max_length=length, index=index)
    return Field(default=default.value, max_length=length, index=index)


def enum_check(column: str, enum: type[StrEnum], name: str | None = None) -> CheckConstraint:
    values = ", ".join(f"'{member.value}'" for member in enum)
    return CheckConstraint(f"{column} IN ({values})", name=name or f"{column}_valid")


def tenant_fk() -> Any:
    """The non-null, indexed tenant_id every tenant-owned row carries."""
    return Field(foreign_key="tenant.id", index=True, nullable=False, ondelete="RESTRICT")


class TenantOwned(SQLModel):
    """Marker base: rows of these tables belong to exactly one tenant."""

    tenant_id: int = tenant_fk()


def partial_unique_index(name: str, *columns: str, where: str) -> Index:
    """A unique index over the rows matching `where` (both SQLite and PostgreSQL)."""
    return partial_index(name, *columns, where=where, unique=True)


def partial_index(name: str, *columns: str, where: str, unique: bool = False) -> Index:
    """An index over the rows matching `where` only (both SQLite and PostgreSQL)."""
    clause = text(where)
    return Index(name, *columns, unique=unique, postgresql_where=clause, sqlite_where=clause)


@overload
def as_utc(moment: datetime) -> datetime: ...
@overload
def as_utc(moment: None) -> None: ...
@overload
def as_utc(moment: datetime | None) -> datetime | None: ...
def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands datetimes back naive; we only ever store UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


T = TypeVar("T")


class _Keyed(Protocol):
    @property
    def id(self) -> int | None: ...


def pk(row: _Keyed) -> int:
    """The primary key of a row that is in the database (read, or added and flushed): the
    model declares `id: int | None` for the rows not inserted yet."""
    key = row.id
    if key is None:
        raise ValueError(f"{type(row).__name__} has no primary key yet: flush it first")
    return key


def keyed(rows: Iterable[tuple[int | None, T]]) -> list[tuple[int, T]]:
    """(primary key, value) rows read from the database (their keys are set), as typed pairs."""
    return [(key, value) for key, value in rows if key is not None]
