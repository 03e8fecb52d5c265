"""Work that may only happen once a unit of work has committed (counting it in the metrics, for
one): a rolled-back transaction, or one ended without a commit, runs none of it.

Services stay unaware of transactions: they call `on_commit(session, fn)`; the listeners below
run the functions after the outermost commit (a savepoint's release is not a commit) and forget
them when the outermost transaction ends any other way. Each function must be cheap and must
not touch the database: it runs inside `Session.commit()`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

logger = logging.getLogger(__name__)
_KEY = "after_commit"


def on_commit(session: Session, fn: Callable[[], object]) -> None:
    """Run `fn` once this session's transaction commits; never if it rolls back."""
    session.info.setdefault(_KEY, []).append(fn)


@event.listens_for(Session, "after_commit")
def _run_pending(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the outer one may still fail
        return
    for fn in session.info.pop(_KEY, ()):
        try:
            fn()
        except Exception:  # the commit happened: a failing observer must not look like it did not
            logger.exception("after-commit work failed")


@event.listens_for(Session, "after_transaction_end")
def _forget_pending(session: Session, transaction: SessionTransaction) -> None:
    """The outermost transaction ended: whatever was not run by a commit never will be."""
    if transaction.parent is None:
        session.info.pop(_KEY, None)
