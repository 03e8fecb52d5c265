"""Batch import on the people page: upload → preview with every row's problems → commit.

Checking and writing run in a worker thread inside a background event, so the page stays live
and the progress bar moves while 10,000 rows are processed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TypedDict

import reflex as rx

from app.core.db import run_in_session
from app.core.errors import DomainError
from app.core.i18n import t
from app.org.services import importer
from app.ui.guard import caller, guarded
from app.ui.payload import first_upload
from app.ui.session import actor_of, working_tenant

MAX_ERRORS_SHOWN = 200


class ErrorRow(TypedDict):
    row: int
    column: str
    reason: str


@dataclass
class _Progress:
    """Written by the worker thread, read by the event loop (ints: no lock needed to read)."""

    phase: str = ""
    done: int = 0
    total: int = 0

    def __call__(self, phase: str, done: int, total: int) -> None:
        self.phase, self.done, self.total = phase, done, total


class ImportState(rx.State):
    open: bool = False
    file_name: str = ""
    busy: bool = False
    phase: str = ""  # "check" | "write"
    percent: int = 0
    total_rows: int = 0
    creates: int = 0
    updates: int = 0
    error_count: int = 0
    errors: list[ErrorRow] = []
    file_error: str = ""
    finished: bool = False
    # backend only (never sent to the browser): the upload's rows, as text
    _rows: list[tuple[int, dict[str, str]]] = []

    @rx.event
    @guarded("user:import")
    async def open_dialog(self) -> None:
        self._reset()
        self.open = True

    @rx.event
    @guarded("user:import")
    async def close_dialog(self) -> None:
        self.open = False
        self._reset()

    def _reset(self) -> None:
        self.file_name = ""
        self.busy = False
        self.phase = ""
        self.percent = 0
        self.total_rows = self.creates = self.updates = self.error_count = 0
        self.errors = []
        self.file_error = ""
        self.finished = False
        self._rows = []

    @rx.event
    @guarded("user:import", message="file_error")
    async def upload(self, files: list[rx.UploadFile]):
        """Read the file as it streams in (the row cap refuses it on the first row past it);
        checking the rows runs next, in the background, with progress."""
        self._reset()
        upload = first_upload(files)
        if upload is None:
            return
        name = upload.name or ""
        rows = await asyncio.to_thread(importer.read_table, name, upload.file)
        self.file_name = name
        self._rows = rows
        self.busy = True
        return ImportState.check

    @rx.event(background=True)
    @guarded("user:import")
    async def check(self):
        """Check every row read (nothing is written yet)."""
        async with self:
            principal = caller().principal
            tenant_id = await working_tenant(self, principal)
            locale = caller().locale
            rows = self._rows
            if not rows:
                self.busy = False
                return
        progress = _Progress()
        try:
            plan = await self._with_progress(
                progress,
                run_in_session(
                    importer.plan_import,
                    scope=principal.scope,
                    tenant_id=tenant_id,
                    rows=rows,
                    progress=progress,
                ),
            )
        except DomainError as refused:
            async with self:
                self.busy = False
                self.file_error = t(refused.key, locale, **refused.params)
            return
        async with self:
            self._show_plan(plan, locale)
            self.busy = False

    def _show_plan(self, plan: importer.ImportPlan, locale: str) -> None:
        self.total_rows = plan.total
        self.creates = len(plan.creates)
        self.updates = len(plan.updates)
        self.error_count = len(plan.errors)
        self.errors = error_rows(plan.errors, locale)

    async def _with_progress(self, progress: _Progress, work):
        """Run `work` while pushing the progress bar to the browser every 200 ms."""
        task = asyncio.ensure_future(work)
        while not task.done():
            await asyncio.sleep(0.2)
            async with self:
                self.phase = progress.phase
                self.percent = int(100 * progress.done / progress.total) if progress.total else 0
        return await task

    @rx.event(background=True)
    @guarded("user:import")
    async def commit(self):
        """Write everything or nothing (rows are checked again against the current data)."""
        async with self:
            principal = caller().principal
            tenant_id = await working_tenant(self, principal)
            locale = caller().locale
            if self.busy or not self._rows or self.error_count:
                return
            rows = self._rows
            actor = actor_of(self, principal)
            self.busy = True
            self.percent = 0
        progress = _Progress()
        try:
            plan = await self._with_progress(
                progress,
                run_in_session(
                    importer.commit_import,
                    scope=principal.scope,
                    tenant_id=tenant_id,
                    rows=rows,
                    actor=actor,
                    progress=progress,
                ),
            )
        except importer.ImportRejected as rejected:
            async with self:
                self._show_plan(rejected.plan, locale)
                self.busy = False
            return
        async with self:
            self.busy = False
            self.percent = 100
            self.finished = True
            self._rows = []
        from app.org.state.people import PeopleState

        done = t("import.done", locale, created=len(plan.creates), updated=len(plan.updates))
        return [PeopleState.load, rx.toast.success(done, id="import-done")]


def error_rows(errors: list[importer.RowError], locale: str) -> list[ErrorRow]:
    """The first MAX_ERRORS_SHOWN refused rows: the column and why in the reader's language."""
    return [
        ErrorRow(
            row=e.row,
            column=t(f"field.{e.column}", locale),
            reason=t(e.key, locale, **e.params),
        )
        for e in errors[:MAX_ERRORS_SHOWN]
    ]
