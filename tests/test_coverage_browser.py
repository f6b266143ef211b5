"""The coverage page in a real browser: Playwright drives the system's Chromium (Debian's
``chromium``, or the one ``TRACKLINT_CHROMIUM`` names; Playwright's own download is never used).
The page renders its matrix, its filters hide and show rows, a cell links to its call site's
file and line, nothing is fetched, nothing logs an error, and a hostile event name is shown as
text, never run. Skips, saying why, when Playwright or a browser is missing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from test_coverage import HOSTILE, _hostile_project, acme, invoke

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (the `test` extra has it)")

ACME_ROWS = ["Product Viewed", "Product Added", "Checkout Started", "Purchase Completed", "Order Refunded",
             "purchase_completed"]


def _chromium() -> str | None:
    named = os.environ.get("TRACKLINT_CHROMIUM")
    if named:
        return named if os.path.isfile(named) else None
    return next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)


@pytest.fixture(scope="module")
def browser():
    path = _chromium()
    if path is None:
        pytest.skip("no Chromium found (apt-get install chromium, or set TRACKLINT_CHROMIUM)")
    with sync_api.sync_playwright() as p:
        try:
            launched = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        except sync_api.Error as exc:
            pytest.skip(f"Chromium at {path} does not start: {exc}")
        yield launched
        launched.close()


class _Watched:
    """A page with everything it logs, throws, fetches and pops up recorded."""

    def __init__(self, browser, url: str) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page()
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(url)

    def shown_rows(self) -> list[str]:
        return self.page.eval_on_selector_all(
            "#matrix tbody tr", "rows => rows.filter(r => !r.hidden).map(r => r.getAttribute('data-name'))")


def _page(tmp_path: Path) -> Path:
    out = tmp_path / "report" / "coverage.html"
    out.parent.mkdir(parents=True)
    result = acme("-f", "html", "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


def test_the_page_renders_filters_and_links_without_errors_or_network(browser, tmp_path):
    out = _page(tmp_path)
    url = out.as_uri()
    watched = _Watched(browser, url)
    page = watched.page
    assert watched.shown_rows() == ACME_ROWS
    assert page.locator("#chart rect").count() > 0
    assert page.text_content("#shown") == "6 of 6 events shown"

    page.select_option("#f-status", "missing")
    assert watched.shown_rows() == ["Checkout Started", "Purchase Completed"]
    page.select_option("#f-source", "web")
    assert watched.shown_rows() == ["Purchase Completed"]
    # the other sources' columns are hidden, in the shown row and in the header
    assert page.locator('tr[data-name="Purchase Completed"] td[data-source="ios"]').is_hidden()
    assert page.locator('tr[data-name="Purchase Completed"] td[data-source="web"]').is_visible()
    assert page.locator('#matrix th[data-source="ios"]').is_hidden()
    page.select_option("#f-status", "")
    page.select_option("#f-source", "")
    page.fill("#f-text", "PURCHASE")
    assert watched.shown_rows() == ["Purchase Completed", "purchase_completed"]
    page.fill("#f-text", "")
    page.select_option("#f-owner", "payments")
    assert watched.shown_rows() == ["Order Refunded"]
    page.select_option("#f-owner", "")
    assert watched.shown_rows() == ACME_ROWS

    cell = page.locator('tr[data-name="purchase_completed"] td[data-source="web"]')
    assert cell.get_attribute("data-status") == "unplanned"
    link = cell.locator("a.site").evaluate("a => a.href")  # as the browser resolves it
    expected = (Path(__file__).resolve().parent.parent / "examples/acme/apps/web/src/checkout.ts").as_uri()
    assert link == expected + "#L14"
    cell.locator("a.all").click()
    target = page.evaluate("location.hash")
    assert page.locator(f"{target} + ul a").first.text_content() == "examples/acme/apps/web/src/checkout.ts:14:3"
    missing = page.locator('tr[data-name="Purchase Completed"] td[data-source="web"]')
    assert missing.get_attribute("data-status") == "missing" and missing.locator("a").count() == 0

    assert watched.errors == []
    assert [r for r in watched.requests if r.split("#")[0] != url] == []


def test_a_hostile_event_name_is_shown_as_text_and_never_runs(browser, tmp_path):
    root = _hostile_project(tmp_path / "project")
    out = tmp_path / "hostile.html"
    result = invoke(root, "coverage", "--no-cache", "-f", "html", "-o", str(out))
    assert result.exit_code == 0, result.output
    watched = _Watched(browser, out.as_uri())
    assert HOSTILE in watched.shown_rows()
    assert watched.page.locator("#matrix tbody tr td").first.text_content().startswith("Signed Up")
    assert watched.page.locator("img").count() == 0
    assert watched.page.title() == "Coverage of <script>alert(3)</script>"
    watched.page.fill("#f-text", "<script>")
    assert watched.shown_rows() == [HOSTILE]
    assert watched.dialogs == [] and watched.errors == []
