"""The access checks of the served app (`titans-finance app` on loopback, a project before its
first run): Streamlit's own ``Host`` check, set by the launcher, refuses the websocket of a
foreign name (DNS rebinding); in Chromium, a page opened by a name rebound to this machine
draws nothing, and the login asks, refuses a wrong password and lets the right one in."""

from __future__ import annotations

import os
import sys
import time

import pytest

from tests.app.chromium import CHROMIUM, Browser, app_command, served_app
from tests.test_viz import _free_port

SECRET = "correct horse battery"


def _environment(tmp_path, **app) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TITANS_APP_")}
    return {**env, "HOME": str(tmp_path), **app}  # no secrets.toml of the developer's


@pytest.mark.e2e  # a real server
@pytest.mark.slow
def test_a_foreign_host_gets_no_websocket(empty_project, tmp_path):
    import websocket

    port = _free_port()
    command = app_command(sys.executable, empty_project, port)
    with served_app(empty_project, port, command, _environment(tmp_path)):
        for host, accepted in ((f"localhost:{port}", True), (f"127.0.0.1:{port}", True),
                               (f"evil.example:{port}", False),
                               (f"localhost.evil.example:{port}", False)):
            try:
                socket = websocket.create_connection(
                    f"ws://127.0.0.1:{port}/_stcore/stream", host=host,
                    origin=f"http://{host}", timeout=10)
            except websocket.WebSocketBadStatusException as exc:
                assert not accepted and exc.status_code == 403, (host, exc.status_code)
            else:
                socket.close()
                assert accepted, host


def _text_appears(browser: Browser, text: str, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = browser.state()
        if text in state.get("text", ""):
            return state
        time.sleep(0.1)
    raise TimeoutError(f"{text!r} not shown within {timeout} s: {browser.state()}")


@pytest.mark.e2e  # the app in a real browser
@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary: `make test-e2e` installs Debian's "
                    "chromium when it can (root + apt-get); install it to run this test")
def test_login_and_a_rebound_name_in_a_real_browser(empty_project, tmp_path):
    port = _free_port()
    command = app_command(sys.executable, empty_project, port)
    # rebound.example resolves to this machine, as a rebinding attacker's name would
    browser = Browser(_free_port(), flags=(
        "--host-resolver-rules=MAP rebound.example 127.0.0.1",))
    try:
        with served_app(empty_project, port, command,
                        _environment(tmp_path, TITANS_APP_PASSWORD=SECRET)) as url:
            page = browser.open(f"{url}/?page=overview", "titans-finance")
            assert "Password" in page.text and "Overview" not in page.text
            browser.type_into('input[type="password"]', "wrong password!")
            state = _text_appears(browser, "Wrong password.")
            assert "Overview" not in state["text"]
            browser.type_into('input[type="password"]', SECRET)
            page = browser.wait_for("Overview")
            assert not page.exceptions and "Not written yet" in page.text

            browser.call("Page.navigate", url=f"http://rebound.example:{port}/?page=overview")
            deadline, states = time.monotonic() + 15, []
            while time.monotonic() < deadline:
                states.append(browser.state())
                time.sleep(0.25)
            assert any(s["connected"] is not None for s in states)  # the page loaded...
            assert all(s["connected"] != "CONNECTED" for s in states)  # ...its socket did not
            assert all("Password" not in s.get("text", "") and s["header"] == ""
                       for s in states)
    finally:
        browser.close()
