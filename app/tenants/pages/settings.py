"""A tenant's policies page: each policy with its range and default, saved together; who may
see unmasked personal data (their roles, on the roles page); over-quota handling (per rule)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

import reflex as rx

from app.sso.models import ImMatch, SsoMatch
from app.sso.services.im_service import PROVIDERS
from app.tenants.state.settings import SettingsState as S
from app.ui.forms import NATIVE_SELECT, form_error, labelled
from app.ui.locale import tr


def _policy(row: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.el.label(tr("policy." + row["key"].to(str)), html_for="policy-" + row["key"].to(str)),
        rx.hstack(
            rx.input(
                name=row["key"].to(str),
                id="policy-" + row["key"].to(str),
                default_value=row["value"].to(str),
                type="number",
                min=row["low"],
                max=row["high"],
                disabled=~S.can_write,
                width="8rem",
            ),
            rx.text(tr(row["unit"].to(str)), size="2"),
            align="center",
        ),
        rx.text(
            tr("policy.range"),
            " ",
            row["low"],
            "–",
            row["high"],
            " · ",
            tr("policy.default"),
            " ",
            row["default"],
            size="1",
            color=rx.color("gray", 11),
        ),
        spacing="1",
        class_name="policy-row",
    )


def _card_form(
    prefix: str, error: rx.Var, saved: rx.Var, on_submit, *body: rx.Component, spacing="3", **props
) -> rx.Component:
    """A settings card saved on its own: its fields, then its refusal, its saved notice and
    the save button (`prefix` names their ids)."""
    return rx.card(
        rx.form(
            rx.vstack(
                *body,
                form_error(error, f"{prefix}-error"),
                rx.cond(
                    saved,
                    rx.callout(tr("policy.saved"), color_scheme="green", id=f"{prefix}-saved"),
                ),
                rx.cond(
                    S.can_write, rx.button(tr("common.save"), type="submit", id=f"{prefix}-save")
                ),
                spacing=spacing,
            ),
            on_submit=on_submit,
            reset_on_submit=False,
            **props,
        ),
        width="100%",
    )


def _policies() -> rx.Component:
    return _card_form(
        "policy",
        S.error,
        S.saved,
        S.save,
        rx.heading(tr("policy.heading"), size="4"),
        rx.foreach(S.policies, _policy),
        spacing="4",
    )


def _field(group: str, name: str, key: str, **props) -> rx.Component:
    """An input of one settings card (`group`: the state's dict of that card's values)."""
    return labelled(
        key,
        rx.input(
            name=name,
            id=f"{group}-{name}",
            default_value=getattr(S, group)[name],
            disabled=~S.can_write,
            width="100%",
            **props,
        ),
        required=props.get("required", False),
    )


def _secret(group: str, name: str, key: str, has: str, kept_key: str, **props) -> rx.Component:
    """A secret typed once: never shown back, blank keeps the stored one (`has` says if any)."""
    placeholder = rx.cond(getattr(S, group)[has] != "", tr(kept_key), "")
    return _field(
        group, name, key, type="password", auto_complete="off", placeholder=placeholder, **props
    )


def _match(group: str, choices: Iterable[StrEnum]) -> rx.Component:
    """Which field of a person the provider's value is matched with."""
    return labelled(
        f"{group}.match_field",
        rx.el.select(
            *[rx.el.option(tr(f"{group}.match.{m.value}"), value=m.value) for m in choices],
            name="match_field",
            id=f"{group}-match_field",
            default_value=getattr(S, group)["match_field"],
            disabled=~S.can_write,
            style=NATIVE_SELECT,
        ),
    )


def _copyable(label_key: str, value: rx.Var, element_id: str) -> rx.Component:
    return labelled(label_key, rx.code(value, id=element_id, word_break="break-all"))


def _card(card: str, *body: rx.Component, **props) -> rx.Component:
    """A provider's card (`card`: its state group, its keys' prefix and its save handler)."""
    return _card_form(
        card,
        getattr(S, f"{card}_error"),
        getattr(S, f"{card}_saved"),
        getattr(S, f"save_{card}"),
        rx.heading(tr(f"{card}.heading"), size="4"),
        rx.text(tr(f"{card}.help"), size="2", color=rx.color("gray", 11)),
        *body,
        **props,
    )


def _two_columns(*fields: rx.Component) -> rx.Component:
    return rx.grid(
        *fields, columns=rx.breakpoints(initial="1", sm="2"), gap="0.75rem", width="100%"
    )


def _sms() -> rx.Component:
    """The tenant's own SMS sender (Tencent Cloud SMS) for alert texts; without one the
    platform's is used."""
    return _card(
        "sms",
        _two_columns(
            _field("sms", "sdk_app_id", "sms.sdk_app_id", required=True, max_length=32),
            _field("sms", "sign_name", "sms.sign_name", required=True, max_length=40),
            _field("sms", "secret_id", "sms.secret_id", required=True, max_length=80),
            _secret("sms", "secret_key", "sms.secret_key", "has_key", "sms.key_kept"),
            _field("sms", "template_alert", "sms.template_alert", max_length=32),
            _field("sms", "region", "sms.region", max_length=32),
        ),
        key=S.sms["has_key"],
    )


def _sso() -> rx.Component:
    """The company's identity provider: its admins sign in with their company account."""
    return _card(
        "sso",
        _copyable("sso.callback", S.sso_callback, "sso-callback"),
        _field("sso", "issuer", "sso.issuer", required=True, max_length=255, type="url"),
        _two_columns(
            _field("sso", "client_id", "sso.client_id", required=True, max_length=255),
            _secret(
                "sso",
                "client_secret",
                "sso.client_secret",
                "has_secret",
                "sso.secret_kept",
                max_length=255,
            ),
            _match("sso", SsoMatch),
            _field("sso", "claim", "sso.claim", required=True, max_length=64),
        ),
        rx.el.label(
            rx.hstack(
                rx.checkbox(
                    name="sso_only",
                    id="sso-sso_only",
                    default_checked=S.sso["sso_only"] != "",
                    disabled=~S.can_write,
                ),
                rx.text(tr("sso.sso_only"), size="2"),
                align="center",
            )
        ),
        rx.cond(
            S.sso["has_secret"] != "",
            _copyable("sso.start_link", S.sso_start, "sso-start-link"),
        ),
        key=S.sso["has_secret"] + S.sso["sso_only"],
    )


def _im(kind: str) -> rx.Component:
    """A company's app in one workplace IM (WeCom, DingTalk, Feishu): its employees sign in on
    the phone with it. The fields are the vendor's own (app/sso/services/im_service.py
    PROVIDERS)."""
    chosen = PROVIDERS[kind]
    links = [_copyable(f"{kind}.start_link", getattr(S, f"{kind}_start"), f"{kind}-start-link")]
    if hasattr(S, f"{kind}_callback"):  # a redirect URL to register (WeCom: a trusted domain)
        links.append(_copyable("sso.callback", getattr(S, f"{kind}_callback"), f"{kind}-callback"))
    fields = [
        _field(kind, f.typed, f"{kind}.{f.typed}", required=f.required, max_length=f.limit)
        for f in chosen.fields
    ]
    return _card(
        kind,
        *links,
        _two_columns(
            *fields,
            _secret(
                kind, "secret", f"{kind}.secret", "has_secret", "sso.secret_kept", max_length=128
            ),
            _match(kind, [ImMatch(m) for m in chosen.claims]),
        ),
        key=getattr(S, kind)["has_secret"],
    )


def _others() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(tr("policy.unmask_heading"), size="4"),
            rx.text(tr("policy.unmask_help"), size="2", color=rx.color("gray", 11)),
            rx.cond(
                S.unmask.length() > 0,
                rx.hstack(rx.foreach(S.unmask, lambda n: rx.badge(n)), wrap="wrap"),
                rx.text(tr("policy.unmask_nobody"), size="2"),
            ),
            rx.link(tr("policy.to_roles"), href="/roles"),
            rx.heading(tr("policy.quota_heading"), size="4", margin_top="0.75rem"),
            rx.text(tr("policy.quota_help"), size="2", color=rx.color("gray", 11)),
            rx.link(tr("policy.to_quotas"), href="/quotas"),
            spacing="2",
        ),
        width="100%",
    )


def settings_body() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("nav.settings"), size="6"),
        rx.text(tr("policy.explain"), size="2", color=rx.color("gray", 11)),
        rx.cond(
            S.choose_tenant,
            rx.callout(tr("org.choose_tenant"), icon="building-2", id="policy-choose-tenant"),
            rx.grid(
                _policies(),
                _others(),
                _sms(),
                _sso(),
                *[_im(kind) for kind in PROVIDERS],
                columns=rx.breakpoints(initial="1", md="2"),
                gap="1rem",
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
        id="settings",
        data_loaded=S.loaded.to(str),
    )


from app.ui.shell import console_page  # noqa: E402

settings_page = console_page(settings_body)
