"""The UI language: zh-CN by default, kept in a cookie, switched from the header."""

from __future__ import annotations

import reflex as rx

from app.core.i18n import DEFAULT_LOCALE, LOCALES, normalise_locale, strings
from app.ui.declarations import public

ONE_YEAR_S = 365 * 24 * 3600


class LocaleState(rx.State):
    """Holds the locale; `tr` is the translation table of that locale, sent once per switch."""

    locale: str = rx.Cookie(DEFAULT_LOCALE, name="locale", max_age=ONE_YEAR_S, same_site="lax")

    @rx.var
    def tr(self) -> dict[str, str]:
        return strings(normalise_locale(self.locale))

    @rx.var
    def html_lang(self) -> str:
        return normalise_locale(self.locale)

    @rx.event
    @public("the caller's own UI language")
    def set_locale(self, locale: str) -> None:
        """Public: choose the UI language (anything unknown falls back to zh-CN)."""
        self.locale = locale if isinstance(locale, str) and locale in LOCALES else DEFAULT_LOCALE

    @rx.event
    @public("the caller's own UI language")
    def toggle_locale(self) -> None:
        """Public: switch between zh-CN and English."""
        self.locale = "en" if normalise_locale(self.locale) == "zh-CN" else "zh-CN"


def tr(key: str) -> rx.Var:
    """The translated string for `key` in the current locale (reactive)."""
    return LocaleState.tr[key]


def page_title(key: str) -> rx.Var:
    """A browser tab's title: the page's name, then the product's, in the reader's language.

    Reflex renders a page's title as a <title> in the page (React hoists it into the head), so a
    reactive title is prerendered in zh-CN (the state's default) and follows the locale after."""
    return LocaleState.tr[key].to(str) + " · " + LocaleState.tr["app.name"].to(str)


def mobile_header(
    title: rx.Var | str, *actions: rx.Component, heading_id: str | None = None
) -> rx.Component:
    """The top row of a phone page: the product mark, the title, the language switch (and any
    `actions` after it, e.g. signing out)."""
    return rx.hstack(
        rx.icon("archive", size=24, color=rx.color("accent", 10), flex_shrink="0"),
        rx.heading(title, size="5", id=heading_id, min_width="0", overflow_wrap="anywhere"),
        rx.spacer(),
        rx.button(
            tr("lang.switch"),
            variant="ghost",
            size="1",
            on_click=LocaleState.toggle_locale,
            id="lang-switch",
        ),
        *actions,
        align="center",
        width="100%",
    )
