"""CORS as a browser enforces it: the local stack answers only its own origins by default."""

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.support import LocalApi

pytestmark = pytest.mark.browser

# A page that calls the API it is given (?api=…): a simple GET and a preflighted JSON POST.
PROBE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CORS probe</title></head><body>
<script>
const api = new URLSearchParams(location.search).get("api");
const outcome = (call) => call.then((response) => `answered ${response.status}`, (error) => `refused ${error.name}`);
window.probe = Promise.all([
  outcome(fetch(`${api}/faqs?lang=en`)),
  outcome(fetch(`${api}/recommendations`, {
    method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify({skin_type: "oily", age_range: "25_34", lang: "en"}),
  })),
]);
</script>
</body></html>
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No access log on the test's output."""


@pytest.fixture
def other_origin(tmp_path: Path) -> Iterator[str]:
    """The probe page on another loopback port: an origin the local stack does not allow."""
    (tmp_path / "probe.html").write_text(PROBE, encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_another_origin_is_refused_and_the_stacks_own_origin_is_served(
    page: Page, local_stack: LocalApi, other_origin: str
) -> None:
    api = local_stack.base_url
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))

    page.goto(f"{other_origin}/probe.html?api={api}")
    assert page.evaluate("window.probe") == ["refused TypeError", "refused TypeError"]
    # Refused by the browser's CORS check (the API did not allow this origin), not by a dead server.
    blocked = [text for text in console if "blocked by CORS policy" in text]
    assert any(f"{api}/faqs" in text for text in blocked), console
    assert any(f"{api}/recommendations" in text and "preflight" in text for text in blocked), console

    # The very same page on the stack's own origin may call it.
    page.route(f"{api}/cors-probe.html?**", lambda route: route.fulfill(body=PROBE, content_type="text/html"))
    page.goto(f"{api}/cors-probe.html?api={api}")
    assert page.evaluate("window.probe") == ["answered 200", "answered 200"]
