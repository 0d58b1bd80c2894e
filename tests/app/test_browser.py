"""The served app in headless Chromium: `titans-finance app` on loopback, each page opened as a
user opens it (``?page=...``), its charts and tables drawn, no exception shown; screenshots and
the measured load times are kept in build/test-artifacts/app/."""

from __future__ import annotations

import json

import pytest

from tests.app.chromium import CHROMIUM, Browser, served_app
from tests.conftest import PROJECT_ROOT
from tests.test_viz import _free_port, make_recipe

ARTIFACTS = PROJECT_ROOT / "build" / "test-artifacts" / "app"
# page slug: (header, charts at least, tables at least, metrics at least)
PAGES = {
    "overview": ("Overview", 3, 1, 6),
    "transactions": ("Transactions", 0, 1, 0),
    "review": ("Review queue", 0, 0, 0),
    "try": ("Try a transaction", 0, 0, 0),
    "health": ("Models and data health", 0, 2, 4),
    "import": ("Import an export", 0, 0, 0),
}


@pytest.mark.e2e  # the app served by `make app`, in a real browser
@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary: `make test-e2e` installs Debian's "
                    "chromium when it can (root + apt-get); install it to run this test")
def test_every_page_renders_in_a_real_browser(app_root):
    (command,) = make_recipe("app")  # `make app` as the Makefile runs it, on this project
    port = _free_port()
    command += ["--project", str(app_root), "--port", str(port)]
    browser = Browser(_free_port())
    timings = {}
    try:
        with served_app(app_root, port, command) as url:
            for slug, (header, charts, tables, metrics) in PAGES.items():
                page = browser.open(f"{url}/?page={slug}", header, timeout=120,
                                    screenshot=ARTIFACTS / f"{slug}.png")
                assert not page.exceptions, (slug, page.exceptions)
                assert "Traceback" not in page.text and "Error" not in page.header
                assert page.charts >= charts and page.tables >= tables, (slug, page)
                assert page.metrics >= metrics, (slug, page.metrics)
                assert (ARTIFACTS / f"{slug}.png").stat().st_size > 20_000  # drawn, not blank
                timings[slug] = round(page.seconds, 3)
            review = browser.open(f"{url}/?page=review", "Review queue")
            assert "Save correction" in review.text and "Corrections on file: 0" in review.text
    finally:
        browser.close()
    (ARTIFACTS / "page_load_seconds.json").write_text(json.dumps(timings, indent=2))
