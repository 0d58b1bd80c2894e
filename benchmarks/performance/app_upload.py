"""The import page's upload check on a hostile export: a CSV of 200,000 columns.

    nice .venv/bin/python -m benchmarks.performance.app_upload [--columns 200000] [--rows 20]
        [--parse-seconds 150]

The file: a header ``Date,Description,Amount,c0..`` and ``--rows`` rows of as many fields
(9.5 MB at the defaults). Each step runs in its own process (peak RSS from the kernel's
rusage, before and after the step; wall time):

- ``check``: `app.upload.check_upload` with the shipped ``app.upload`` limits, what the page
  runs before anything parses the file;
- ``parse`` (with ``--parse-seconds`` > 0): `app.actions.inspect_export` on the same bytes,
  what the page ran before the check, stopped after ``--parse-seconds``; its peak RSS is
  read from /proc while it runs.

Results: benchmarks/results/app_upload.json (docs/security.md#the-app quotes them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULT = ROOT / "benchmarks" / "results" / "app_upload.json"


def wide_csv(columns: int, rows: int) -> bytes:
    header = b"Date,Description,Amount," + b",".join(b"c%d" % i for i in range(columns - 3))
    filler = b",".join([b"1"] * (columns - 3))
    lines = [b"2024-01-%02d,Shop %d,-%d.50,%s" % (1 + d % 28, d, d, filler) for d in range(rows)]
    return header + b"\n" + b"\n".join(lines) + b"\n"


def _step(kind: str, columns: int, rows: int) -> None:
    """One step in this process; prints its figures as JSON."""
    from tests.parameters import parameters, settings

    data = wide_csv(columns, rows)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    if kind == "check":
        from titans_finance.app.upload import UploadRefused, check_upload

        try:
            check_upload(data, "wide.csv", settings("app").upload)
            outcome = "accepted"
        except UploadRefused as exc:
            outcome = f"refused: {exc}"
    else:
        from titans_finance.app.actions import inspect_export

        try:
            inspect_export(data, "wide.csv", parameters("ingestion"), [])
            outcome = "read"
        except Exception as exc:  # what the page showed as an error
            outcome = f"error: {str(exc)[:200]}"
    print(json.dumps({"outcome": outcome, "seconds": round(time.perf_counter() - started, 2),
                      "file_mb": round(len(data) / 1e6, 1),
                      "max_rss_before_mb": round(before),
                      "max_rss_after_mb": round(resource.getrusage(
                          resource.RUSAGE_SELF).ru_maxrss / 1024)}))


def _run(kind: str, args: argparse.Namespace, limit: float | None) -> dict:
    command = [sys.executable, "-m", "benchmarks.performance.app_upload", "--step", kind,
               "--columns", str(args.columns), "--rows", str(args.rows)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    started, peak_kb = time.monotonic(), 0
    while process.poll() is None:
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
            peak_kb = max(peak_kb, int(status.split("VmHWM:")[1].split()[0]))
        except (OSError, IndexError, ValueError):
            pass
        if limit is not None and time.monotonic() - started > limit:
            process.kill()
            process.wait()
            return {"outcome": f"still parsing after {limit:.0f} s: stopped",
                    "seconds": round(time.monotonic() - started, 1),
                    "peak_rss_mb_when_stopped": round(peak_kb / 1024)}
        time.sleep(0.5)
    return json.loads(process.stdout.read().strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", type=int, default=200_000)
    parser.add_argument("--rows", type=int, default=20)
    parser.add_argument("--parse-seconds", type=float, default=150.0)
    parser.add_argument("--step", choices=("check", "parse"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        _step(args.step, args.columns, args.rows)
        return
    result = {"measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "cores": os.cpu_count(), "load_average": os.getloadavg()[0],
              "command": "python -m benchmarks.performance.app_upload " + " ".join(sys.argv[1:]),
              "columns": args.columns, "rows": args.rows,
              "check": _run("check", args, None)}
    if args.parse_seconds > 0:
        result["parse"] = _run("parse", args, args.parse_seconds)
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
