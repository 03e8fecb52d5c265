"""Work registered with on_commit runs once the outermost transaction commits, never when it
rolls back, and a savepoint's release is not yet a commit."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from app.core.after_commit import on_commit


@pytest.mark.dialects("sqlite")
def test_work_runs_after_the_outer_commit_only(engine) -> None:
    ran: list[str] = []
    with Session(engine) as session:
        with session.begin():
            with session.begin_nested():
                on_commit(session, lambda: ran.append("inner"))
            assert ran == []  # the savepoint was released: the outer one may still fail
            on_commit(session, lambda: ran.append("outer"))
        assert ran == ["inner", "outer"]
        with session.begin():
            on_commit(session, lambda: ran.append("again"))
        assert ran == ["inner", "outer", "again"]  # each commit runs its own work once


@pytest.mark.dialects("sqlite")
def test_a_rollback_or_a_session_closed_without_commit_runs_nothing(engine) -> None:
    ran: list[str] = []
    with Session(engine) as session:
        with pytest.raises(RuntimeError), session.begin():
            on_commit(session, lambda: ran.append("rolled back"))
            raise RuntimeError("fails")
        with session.begin():
            pass  # the next transaction does not inherit the forgotten work
    with Session(engine) as session:
        session.connection()
        on_commit(session, lambda: ran.append("closed"))
    assert ran == []
