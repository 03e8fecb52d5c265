"""The org sync page: the WeCom source, the dry run's changes grouped with their counts, the apply
(asks first), the schedule once a first sync is applied, and the runs so far."""

from __future__ import annotations

import reflex as rx

from app.org.state.org_sync import OrgSyncState as S
from app.ui.forms import confirmed, form_error, labelled
from app.ui.locale import LocaleState, tr
from app.ui.shell import console_page
from app.ui.tables import data_table

GREY = rx.color("gray", 11)
BAD_GROUPS = ("blockers", "skipped", "person_disabled", "dept_disabled")


def _source() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(tr("orgsync.source"), size="4"),
            rx.cond(
                S.configured,
                rx.vstack(
                    rx.text(tr("wecom.corp_id"), ": ", rx.code(S.app_id), size="2"),
                    rx.text(tr("wecom.agent_id"), ": ", rx.code(S.agent_id), size="2"),
                    rx.text(
                        tr("wecom.match_field"),
                        ": ",
                        LocaleState.tr["wecom.match." + S.match_field],
                        size="2",
                    ),
                    spacing="1",
                ),
                rx.callout(tr("orgsync.not_configured"), icon="info", id="orgsync-no-source"),
            ),
            rx.link(tr("orgsync.to_settings"), href="/settings", size="2"),
            spacing="2",
        ),
        width="100%",
    )


def _schedule() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(tr("orgsync.schedule"), size="4"),
            rx.cond(
                S.confirmed,
                rx.form(
                    rx.vstack(
                        rx.el.label(
                            rx.hstack(
                                rx.checkbox(
                                    name="enabled", id="orgsync-enabled", default_checked=S.enabled
                                ),
                                rx.text(tr("orgsync.enabled"), size="2"),
                                align="center",
                            )
                        ),
                        labelled(
                            "orgsync.interval_hours",
                            rx.input(
                                name="interval_hours",
                                id="orgsync-interval",
                                type="number",
                                min=1,
                                max=168,
                                default_value=S.interval_hours,
                                width="8rem",
                            ),
                        ),
                        rx.cond(
                            S.last_success != "",
                            rx.text(tr("orgsync.last_success"), ": ", S.last_success, size="2"),
                        ),
                        rx.cond(
                            S.schedule_saved,
                            rx.callout(tr("policy.saved"), color_scheme="green"),
                        ),
                        rx.button(tr("common.save"), type="submit", id="orgsync-schedule-save"),
                        spacing="2",
                    ),
                    on_submit=S.save_schedule,
                    reset_on_submit=False,
                    key=S.interval_hours + S.enabled.to(str),
                ),
                rx.text(tr("orgsync.first_sync_needed"), size="2", color=GREY),
            ),
            spacing="2",
        ),
        width="100%",
    )


def _plan_row(row: rx.Var) -> rx.Component:
    return rx.table.row(rx.table.cell(row["who"]), rx.table.cell(rx.text(row["what"], size="2")))


def _group(group: rx.Var) -> rx.Component:
    key = group["key"].to(str)
    return rx.vstack(
        rx.hstack(
            rx.heading(LocaleState.tr["orgsync.group." + key], size="3"),
            rx.badge(
                group["count"],
                color_scheme=rx.match(key, *[(g, "red") for g in BAD_GROUPS], "blue"),
            ),
            align="center",
        ),
        rx.table.root(
            rx.table.body(rx.foreach(group["rows"], _plan_row)),
            width="100%",
            size="1",
        ),
        spacing="1",
        width="100%",
        class_name="orgsync-group",
        data_group=key,
    )


def _plan() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(tr("orgsync.preview_heading"), size="4"),
                rx.cond(S.previewed_at != "", rx.text(S.previewed_at, size="1", color=GREY)),
                align="center",
            ),
            rx.text(tr("orgsync.preview_help"), size="2", color=GREY),
            rx.hstack(
                rx.button(
                    rx.cond(S.busy, rx.spinner(size="1"), rx.icon("eye", size=14)),
                    tr("orgsync.preview"),
                    on_click=S.preview,
                    disabled=S.busy | ~S.configured,
                    id="orgsync-preview",
                ),
                rx.cond(
                    S.can_apply,
                    confirmed(
                        rx.button(tr("orgsync.apply"), color_scheme="red", id="orgsync-apply"),
                        title_key="orgsync.apply_title",
                        text_key="orgsync.apply_text",
                        subject=S.previewed_at,
                        confirm_key="orgsync.apply",
                        on_confirm=S.apply,
                        confirm_id="orgsync-apply-confirm",
                    ),
                    rx.button(tr("orgsync.apply"), disabled=True, variant="soft"),
                ),
            ),
            form_error(S.message, "orgsync-error"),
            rx.cond(S.blocked, rx.callout(tr("orgsync.blocked_help"), color_scheme="red")),
            rx.cond(
                S.plan_empty & (S.preview_run_id > 0),
                rx.callout(tr("orgsync.nothing"), color_scheme="green", id="orgsync-nothing"),
            ),
            rx.foreach(S.groups, _group),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _run_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["at"]),
        rx.table.cell(row["trigger"], rx.text(row["actor"], size="1", color=GREY)),
        rx.table.cell(
            rx.badge(
                LocaleState.tr["orgsync.status." + row["status"].to(str)],
                color_scheme=rx.cond(row["status"] == "succeeded", "green", "red"),
            )
        ),
        rx.table.cell(
            rx.text(row["summary"], size="1"),
            rx.cond(row["error"] != "", rx.text(row["error"], size="1", color="red")),
        ),
        class_name="orgsync-run",
    )


def orgsync_body() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("nav.org_sync"), size="6"),
        rx.text(tr("orgsync.help"), size="2", color=GREY),
        rx.cond(
            S.choose_tenant,
            rx.callout(tr("org.choose_tenant"), icon="building-2"),
            rx.vstack(
                rx.grid(
                    _source(), _schedule(), columns=rx.breakpoints(initial="1", md="2"), gap="1rem"
                ),
                _plan(),
                rx.heading(tr("orgsync.history"), size="4"),
                data_table(
                    ("orgsync.col.time", "orgsync.col.trigger", "orgsync.col.status", ""),
                    S.history,
                    _run_row,
                    "orgsync-history",
                    empty_key="orgsync.no_runs",
                ),
                spacing="4",
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
        id="org-sync",
        data_loaded=S.loaded.to(str),
    )


orgsync_page = console_page(orgsync_body)
