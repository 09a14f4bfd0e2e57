"""Browser fixtures: one headless Debian Chromium for the session, a fresh context per test.

The pages come from the session's local stack (``local_stack`` in tests/conftest.py), which
serves the demo article at ``/`` and ``/zh-HK/`` and the widgets from ``web/``.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# The local stack's functions are worker processes; the first call of each may take a moment.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium (never a downloaded build), headless."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's Chromium is missing: run `make chromium`")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A new page in its own context (Hong Kong time, US English keyboard and date order);
    the test fails if the page throws an uncaught JavaScript error."""
    context = browser.new_context(
        locale="en-US",
        timezone_id="Asia/Hong_Kong",
        viewport={"width": 1280, "height": 900},
    )
    new_page = context.new_page()
    errors: list[str] = []
    new_page.on("pageerror", lambda error: errors.append(str(error)))
    yield new_page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
