"""Headless Chromium driven over the DevTools protocol (websocket-client, already in the lock):
open a page of the served app, wait until Streamlit has finished the run and drawn it, time
that, count what was rendered and take a screenshot.

A Streamlit page is built in the browser from a websocket, after the HTML has loaded, so
``chromium --screenshot`` alone captures the skeleton; the app is ready when its root
element says the script is no longer running and the page's header is drawn.
"""

from __future__ import annotations

import base64
import contextlib
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.test_viz import stop_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1400,2400"]
# What the page shows once Streamlit has run the script and drawn its elements.
_STATE = """(() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  return JSON.stringify({
    running: app ? app.getAttribute('data-test-script-state') : null,
    connected: app ? app.getAttribute('data-test-connection-state') : null,
    header: (main.querySelector('h1, h2') || {}).innerText || '',
    charts: main.querySelectorAll('.js-plotly-plot .main-svg').length,
    tables: main.querySelectorAll('[data-testid="stDataFrame"], [data-testid="stTable"]').length,
    metrics: main.querySelectorAll('[data-testid="stMetric"]').length,
    exceptions: Array.from(main.querySelectorAll('[data-testid="stException"]'))
      .map(e => e.innerText.slice(0, 500)),
    skeletons: main.querySelectorAll('[data-testid="stSkeleton"]').length,
    text: main.innerText.slice(0, 20000),
  });
})()"""


@dataclass
class Rendered:
    """One page as the browser drew it."""

    url: str
    seconds: float  # from navigation to the finished, drawn page
    header: str
    charts: int
    tables: int
    metrics: int
    exceptions: list[str]
    text: str


class Browser:
    """One headless Chromium with a DevTools websocket on a page target."""

    def __init__(self, port: int, flags: tuple[str, ...] = ()):
        import websocket

        self.profile = tempfile.mkdtemp(prefix="titans-chromium-")
        self.process = subprocess.Popen(
            [CHROMIUM, *FLAGS, *flags, f"--user-data-dir={self.profile}",
             f"--remote-debugging-port={port}", "--remote-debugging-address=127.0.0.1",
             "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        targets = None
        while targets is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as r:
                    targets = [t for t in json.load(r) if t.get("type") == "page"]
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.close()
                    raise RuntimeError("chromium did not open its DevTools port") from None
                time.sleep(0.2)
        self.socket = websocket.create_connection(targets[0]["webSocketDebuggerUrl"],
                                                  timeout=60, suppress_origin=True)
        self._id = 0
        self.call("Page.enable")

    def call(self, method: str, **params) -> dict:
        self._id += 1
        self.socket.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def _state(self) -> dict:
        result = self.call("Runtime.evaluate", expression=_STATE, returnByValue=True)
        value = result.get("result", {}).get("value")  # none while the page is replaced
        return json.loads(value) if isinstance(value, str) else {
            "running": None, "connected": None, "header": "", "skeletons": 0}

    def open(self, url: str, header: str, timeout: float = 60.0,
             screenshot: Path | None = None) -> Rendered:
        """Navigate to ``url`` and wait until the script has run, ``header`` is drawn and no
        element is still a loading skeleton; then the time it took and what is on the page."""
        started = time.monotonic()
        self.call("Page.navigate", url=url)
        return self._drawn(url, header, started, timeout, screenshot)

    def switch(self, label: str, header: str, timeout: float = 60.0) -> Rendered:
        """Click page ``label`` in the sidebar (a rerun over the open websocket, as a user
        moves between pages) and wait until ``header`` is drawn."""
        started = time.monotonic()
        clicked = self.call("Runtime.evaluate", returnByValue=True, expression=(
            "(() => { const l = Array.from(document.querySelectorAll("
            "'[data-testid=\"stSidebar\"] label')).find(e => e.innerText.trim() === "
            f"{json.dumps(label)}); if (l) {{ l.click(); return true; }} return false; }})()"))
        if not clicked.get("result", {}).get("value"):
            raise RuntimeError(f"no page {label!r} in the sidebar")
        return self._drawn(label, header, started, timeout, None)

    def type_into(self, selector: str, text: str) -> None:
        """Focus the element ``selector`` and type ``text`` and Enter, as a user does."""
        focused = self.call("Runtime.evaluate", returnByValue=True, expression=(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); "
            "if (!e) return false; e.focus(); return true; })()"))
        if not focused.get("result", {}).get("value"):
            raise RuntimeError(f"nothing to type into: {selector}")
        self.call("Input.insertText", text=text)
        for kind in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter",
                      windowsVirtualKeyCode=13, nativeVirtualKeyCode=13)

    def wait_for(self, header: str, timeout: float = 60.0) -> Rendered:
        """Wait until the page (already open) has drawn ``header``."""
        return self._drawn(header, header, time.monotonic(), timeout, None)

    def state(self) -> dict:
        """What the page shows now (its header, text, connection state)."""
        return self._state()

    def _drawn(self, url: str, header: str, started: float, timeout: float,
               screenshot: Path | None) -> Rendered:
        state: dict = {}
        while time.monotonic() - started < timeout:
            state = self._state()
            if (state["running"] == "notRunning" and state["connected"] == "CONNECTED"
                    and state["header"].strip() == header and not state["skeletons"]):
                break
            time.sleep(0.05)
        else:
            raise TimeoutError(f"{url} not drawn within {timeout} s: {state}")
        seconds = time.monotonic() - started
        if screenshot is not None:
            image = self.call("Page.captureScreenshot", format="png",
                              captureBeyondViewport=True)["data"]
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            screenshot.write_bytes(base64.b64decode(image))
        return Rendered(url=url, seconds=seconds, header=state["header"],
                        charts=state["charts"], tables=state["tables"],
                        metrics=state["metrics"], exceptions=state["exceptions"],
                        text=state["text"])

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.socket.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def app_command(python: str, root: Path, port: int) -> list[str]:
    """``titans-finance app`` for ``root`` on ``port`` (the virtualenv of ``python``)."""
    return [str(Path(python).parent / "titans-finance"), "app", "--project", str(root),
            "--port", str(port)]


@contextlib.contextmanager
def served_app(root: Path, port: int, command: list[str],
               env: dict[str, str] | None = None) -> Iterator[str]:
    """The app started by ``command`` (listening on loopback ``port``; ``env``: its whole
    environment, default this one's) until it answers its health check; yields its URL and
    stops it afterwards."""
    server = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, env=env,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if server.poll() is not None:
                raise RuntimeError(f"the app exited with {server.returncode}:\n"
                                   f"{server.stdout.read()[-3000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError("the app did not answer /_stcore/health within 90 s")
            time.sleep(0.3)
        yield url
    finally:
        stop_server(server)
