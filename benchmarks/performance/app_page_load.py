"""The app's page loads in a real browser, and the transactions page's work at 1M rows.

    .venv/bin/python -m benchmarks.performance.app_page_load [--project .] [--repeats 5] [--rows 1000000]

1. Page loads: ``titans-finance app`` serves the project (default: this checkout, after
   ``make run``) on loopback; headless Chromium (DevTools protocol, tests/app/chromium.py)
   opens every page ``--repeats`` times, each as a fresh navigation (a new Streamlit
   session: HTML, scripts, websocket, the page's script run, its charts drawn), and chooses
   it in the sidebar of an open app (a rerun over the websocket, as a user moves). The first
   load after start-up (cold caches: tables read, models unpickled) is reported apart.
2. 1M rows: the default data's transactions table repeated to ``--rows`` rows (distinct
   ids, dates unchanged), then the transactions page's steps timed: building the table
   once (cached until a run rewrites its inputs), one filter change (text + date +
   amount + account) and showing one page of 100 rows.

Results go to benchmarks/results/app.json and the ``app`` section of docs/benchmarks.md,
with the machine's cores and its load average while measuring.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
from tests.app.chromium import Browser, app_command, served_app  # noqa: E402
from tests.test_viz import _free_port  # noqa: E402

# the sidebar's name of a page whose header differs
LABELS = {"import": "Import"}
PAGES = {"overview": "Overview", "transactions": "Transactions", "review": "Review queue",
         "try": "Try a transaction", "health": "Models and data health",
         "import": "Import an export"}


def page_loads(project: Path, repeats: int) -> dict:
    browser = Browser(_free_port())
    try:
        port = _free_port()
        with served_app(project, port, app_command(sys.executable, project, port)) as url:
            cold = browser.open(f"{url}/?page=overview", PAGES["overview"], timeout=300).seconds
            times = {slug: [] for slug in PAGES}
            switches = {slug: [] for slug in PAGES}
            for _ in range(repeats):
                for slug, header in PAGES.items():
                    times[slug].append(browser.open(f"{url}/?page={slug}", header,
                                                    timeout=120).seconds)
                browser.open(f"{url}/?page=import", PAGES["import"], timeout=120)
                for slug, header in PAGES.items():
                    label = LABELS.get(slug, header)
                    switches[slug].append(browser.switch(label, header, timeout=120).seconds)
    finally:
        browser.close()
    return {"first_load_after_start_s": round(cold, 2),
            "pages": {slug: {"median_s": round(statistics.median(t), 2),
                             "min_s": round(min(t), 2), "max_s": round(max(t), 2),
                             "switch_median_s": round(statistics.median(switches[slug]), 2)}
                      for slug, t in times.items()}}


def million_rows(project: Path, rows: int) -> dict:
    import numpy as np
    import pandas as pd

    from titans_finance.app import views
    from titans_finance.app.project import Project

    source = Project(project)
    inputs = {name: source.load(name) for name in (
        "clean_transactions", "category_predictions", "category_corrections", "feature_table",
        "anomaly_scores")}
    copies = -(-rows // len(inputs["clean_transactions"]))

    def repeated(frame: pd.DataFrame | None) -> pd.DataFrame | None:
        if frame is None or "transaction_id" not in frame:
            return frame
        parts = [frame.assign(transaction_id=frame["transaction_id"] + f"_{i}")
                 for i in range(copies)]
        return pd.concat(parts, ignore_index=True)

    big = {name: repeated(frame) for name, frame in inputs.items()}
    big["clean_transactions"] = big["clean_transactions"].head(rows)
    big["clean_transactions"]["account"] = np.where(
        np.arange(len(big["clean_transactions"])) % 3 == 0, "savings", "current")
    started = time.perf_counter()
    table = views.transactions_table(big["clean_transactions"], big["category_predictions"],
                                     big["category_corrections"], big["feature_table"],
                                     big["anomaly_scores"])
    build = time.perf_counter() - started
    word = table["description"].str.split().str[0].value_counts().index[0]
    first = pd.Timestamp(table["date"].min()).date()
    filters = views.Filters(start=first + dt.timedelta(days=180), end=None, accounts=("current",),
                            text=word, max_amount=-10.0)
    samples = []
    for _ in range(5):
        started = time.perf_counter()
        found = views.filter_transactions(table, filters)
        views.for_display(views.page_of(found, 2, 100))
        samples.append(time.perf_counter() - started)
    started = time.perf_counter()
    views.for_display(views.page_of(table, 1, 100))
    unfiltered = time.perf_counter() - started
    return {"rows": len(table), "build_table_s": round(build, 2),
            "filter_and_page_ms_median": round(1000 * statistics.median(samples)),
            "filter_and_page_ms_max": round(1000 * max(samples)),
            "unfiltered_page_ms": round(1000 * unfiltered), "matching_rows": int(len(found))}


def write_docs(results: dict) -> None:
    loads = results["page_loads"]
    lines = [f"Measured {results['measured_at']} on {results['cores']} cores, load average "
             f"{results['load_average']} while measuring (the machine is shared). Command: "
             f"`{results['command']}`.", "",
             "Load: a fresh navigation to the page's address (new session, page built and "
             "drawn). Switch: choosing the page in the sidebar of an open app (a rerun).", "",
             "| page | load, median (s) | min | max | switch, median (s) |",
             "|---|---|---|---|---|"]
    for slug, figure in loads["pages"].items():
        lines.append(f"| {PAGES[slug]} | {figure['median_s']} | {figure['min_s']} | "
                     f"{figure['max_s']} | {figure['switch_median_s']} |")
    lines += ["", f"First load after start-up (cold: tables read, models unpickled): "
              f"{loads['first_load_after_start_s']} s."]
    big = results.get("million_rows")
    if big:
        lines += ["", f"Transactions page at {big['rows']:,} rows: building the table "
                  f"{big['build_table_s']} s (once per run of the pipelines, then cached); "
                  f"a filter change (text + date + account + amount, {big['matching_rows']:,} rows match) "
                  f"and one page of 100 rows: median {big['filter_and_page_ms_median']} ms, max "
                  f"{big['filter_and_page_ms_max']} ms; first page unfiltered "
                  f"{big['unfiltered_page_ms']} ms."]
    docs = ROOT / "docs" / "benchmarks.md"
    text = docs.read_text()
    section = "<!-- bench:app -->\n" + "\n".join(lines) + "\n<!-- /bench:app -->"
    if "<!-- bench:app -->" in text:
        text = re.sub(r"<!-- bench:app -->.*?<!-- /bench:app -->", lambda _: section, text,
                      flags=re.S)
    else:
        text = text.rstrip() + "\n\n## The app (page loads in a browser, 1M transactions)\n\n" \
            + section + "\n"
    docs.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", default=str(ROOT))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--no-docs", action="store_true")
    args = parser.parse_args()
    project = Path(args.project).resolve()
    results = {"measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
               "cores": os.cpu_count(),
               "command": "python -m benchmarks.performance.app_page_load " + " ".join(sys.argv[1:])}
    load_before = os.getloadavg()[0]
    results["page_loads"] = page_loads(project, args.repeats)
    if args.rows:
        results["million_rows"] = million_rows(project, args.rows)
    results["load_average"] = f"{load_before:.1f} to {os.getloadavg()[0]:.1f}"
    out = ROOT / "benchmarks" / "results" / "app.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    if not args.no_docs:
        write_docs(results)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
