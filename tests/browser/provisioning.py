"""A tenant admin's steps on the cabinets page that provision a cabinet (used by the provisioning
test and by the field client's run against `make run`)."""

from __future__ import annotations

from pathlib import Path

from tests.browser.conftest import RunningApp


def choose(page, trigger: str, option: str | None = None) -> None:
    """Open a select and click the option with that text (the first if None)."""
    page.click(trigger)
    options = page.get_by_role("option")
    (options.filter(has_text=option).first if option else options.first).click()


def open_registration(page, app: RunningApp) -> None:
    page.goto(app.url + "/cabinets")
    page.wait_for_selector('#cabinets[data-loaded="true"]', timeout=60_000)
    page.click("#cab-register-open")
    page.wait_for_selector("#cab-register")


def register(page, code: str, name: str, model: str = "SC-24M") -> None:
    """Fill the open registration dialog and submit it; returns once the bundle is shown."""
    page.fill("#reg-code", code.lower())  # the console upper-cases it
    page.fill("#reg-name", name)
    choose(page, "#reg-site")
    choose(page, "#reg-model", model)
    page.click("#reg-submit")
    page.wait_for_selector("#cab-bundle", timeout=15_000)


def plan(page, slot: str, item: str | None = None) -> None:
    """Plan an item (the first of the list if None) in one of the chosen cabinet's slots."""
    choose(page, "#cab-plan-slot", slot)
    choose(page, "#cab-plan-item", item)
    page.click("#cab-plan")
    page.locator("#cab-slots .slot-row", has_text=slot).wait_for(timeout=10_000)


def download_bundle(page, into: Path) -> Path:
    with page.expect_download() as downloading:
        page.click("#cab-bundle-download")
    path = into / downloading.value.suggested_filename
    downloading.value.save_as(path)
    return path
