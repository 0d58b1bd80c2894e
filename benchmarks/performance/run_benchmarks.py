"""Performance benchmarks; results are written into docs/benchmarks.md.

    make benchmark                                   # every benchmark
    .venv/bin/python -m benchmarks.performance.run_benchmarks foundation [--rows 1000000]
    .venv/bin/python -m benchmarks.performance.run_benchmarks training   [--rows 1000000]
    .venv/bin/python -m benchmarks.performance.run_benchmarks bank_export [--rows 1000000]

Each step runs as its own process in a throw-away copy of the project (conf/ +
pyproject.toml in a temporary folder), so the repository's data/ and mlflow.db
are untouched; wall time comes from a monotonic clock and peak RSS from the
kernel's rusage of that process (``os.wait4``). A section of docs/benchmarks.md
between ``<!-- bench:NAME -->`` markers is replaced by each run, with the
machine's core count and memory; the raw figures also go to
benchmarks/results/NAME.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DOC = ROOT / "docs" / "benchmarks.md"
RESULTS = ROOT / "benchmarks" / "results"


def machine() -> dict:
    mem_kb = 0
    try:
        mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    except (OSError, AttributeError):
        pass
    cpu = "unknown"
    try:
        cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text()).group(1)
    except (OSError, AttributeError):
        pass
    return {"cores": os.cpu_count(), "memory_gib": round(mem_kb / 2**20, 1), "cpu": cpu,
            "python": platform.python_version(), "date": dt.date.today().isoformat()}


def load_average() -> str:
    """The 1/5/15-minute load averages: on a shared machine wall time says little without them."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def checkout_env(env: dict | None = None) -> dict:
    """The environment a step runs in: ``env`` over this process's, with this checkout's
    ``src`` first on ``PYTHONPATH``. The step runs in a throw-away copy whose ``src`` is
    empty, and an editable install shared by several checkouts resolves the package from
    the working directory's ``src`` or else from one fixed checkout: without this, a
    benchmark run from a branch measured that other checkout's code."""
    merged = {**os.environ, **(env or {})}
    rest = merged.get("PYTHONPATH", "")
    merged["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src")] + ([rest] if rest else []))
    return merged


def measured(cmd: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Run ``cmd`` (in `checkout_env`); return wall seconds, CPU seconds (user + system, the
    figure load disturbs least), peak RSS (MiB) of that process tree's largest process and
    the load around it."""
    load_before = load_average()
    started = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, env=checkout_env(env),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = b""
    # wait4 gives the rusage of this child (max RSS of it and its waited-for children)
    while True:
        chunk = process.stdout.read(65536)
        if not chunk:
            break
        output = (output + chunk)[-20000:]
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        sys.stderr.write(output.decode(errors="replace"))
        raise SystemExit(f"benchmark step failed ({process.returncode}): {' '.join(cmd)}")
    return {"command": " ".join(cmd), "wall_s": round(wall, 2),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "user_s": round(usage.ru_utime, 2), "sys_s": round(usage.ru_stime, 2),
            "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
            "load_before": load_before, "load_after": load_average()}


def temp_project() -> Path:
    root = Path(tempfile.mkdtemp(prefix="titans-bench-"))
    shutil.copytree(ROOT / "conf", root / "conf", ignore=shutil.ignore_patterns("credentials*"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    (root / "src").mkdir()  # Kedro wants it; the package comes from this checkout (`checkout_env`)
    (root / "data" / "01_raw").mkdir(parents=True)
    return root


KEDRO_ENV = {"KEDRO_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "1"}


def generate(project: Path, rows: int, seed: int) -> dict:
    return measured([str(BIN / "titans-finance"), "generate", "--rows", str(rows), "--seed",
                     str(seed), "--output", "data/01_raw/transactions.csv"], project)


def kedro(project: Path, pipelines: str) -> dict:
    env = {**KEDRO_ENV, "MLFLOW_TRACKING_URI": f"sqlite:///{project / 'mlflow.db'}",
           "TITANS_MLFLOW_ARTIFACTS": (project / "mlartifacts").as_uri()}
    return measured([str(BIN / "kedro"), "run", "--pipelines", pipelines], project, env)


def bench_foundation(args) -> dict:
    project = temp_project()
    try:
        steps = {"generate": generate(project, args.rows, args.seed),
                 "ingestion+features": kedro(project, "ingestion,features")}
        quality = json.loads((project / "data/08_reporting/data_quality.json").read_text())
        return {"rows": args.rows, "steps": steps,
                "rows_clean": quality["rows_clean"], "rows_quarantined": quality["rows_quarantined"],
                "rows_duplicate": quality["rows_duplicate"],
                "targets": {"generate_s": 20, "ingestion+features_s": 60, "peak_rss_mib": 4096}}
    finally:
        shutil.rmtree(project, ignore_errors=True)


BANK_PREAMBLE = "Kontonummer;DE89370400440532013000\nWährung;EUR\n\n"


def to_bank_dialect(source: Path, target: Path) -> None:
    """Rewrite a generated export the way a German bank writes it: account lines before
    the header, `;`, Windows-1252, DD.MM.YYYY, decimal comma with thousands dots,
    split Soll/Haben columns and a running balance (Saldo)."""
    import pandas as pd

    from titans_finance.core.normalise import parse_amounts, parse_dates

    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    amount, _ = parse_amounts(frame["Amount"])
    dates, _ = parse_dates(frame["Date"])

    def german(values: pd.Series) -> pd.Series:
        text = values.abs().map("{:,.2f}".format)
        return text.str.replace(",", "_").str.replace(".", ",").str.replace("_", ".")

    balance = amount.fillna(0).cumsum()
    out = pd.DataFrame({
        "Buchungstag": dates.dt.strftime("%d.%m.%Y").fillna(frame["Date"]),
        "Verwendungszweck": frame["Description"],
        "Kategorie": frame["Category"],
        "Soll": german(amount).where(amount < 0, ""),
        "Haben": german(amount).where(amount >= 0, ""),
        "Saldo": german(balance).where(balance >= 0, "-" + german(balance)),
    })
    out.loc[amount.isna(), "Soll"] = frame.loc[amount.isna(), "Amount"]
    with open(target, "w", encoding="cp1252", errors="replace", newline="") as handle:
        handle.write(BANK_PREAMBLE)
        out.to_csv(handle, sep=";", index=False)


def bench_bank_export(args) -> dict:
    """Ingestion + features on a 1M-row export in a bank's dialect (not our own format)."""
    project = temp_project()
    try:
        steps = {"generate": generate(project, args.rows, args.seed)}
        raw = project / "data/01_raw/transactions.csv"
        bank = project / "data/01_raw/bank_export.csv"
        to_bank_dialect(raw, bank)
        raw.unlink()
        env = {**KEDRO_ENV, "MLFLOW_TRACKING_URI": f"sqlite:///{project / 'mlflow.db'}",
               "TITANS_MLFLOW_ARTIFACTS": (project / "mlartifacts").as_uri()}
        steps["ingestion+features"] = measured(
            [str(BIN / "kedro"), "run", "--pipelines", "ingestion,features", "--params",
             "raw_path=data/01_raw/bank_export.csv"], project, env)
        quality = json.loads((project / "data/08_reporting/data_quality.json").read_text())
        return {"rows": args.rows, "dialect": "German bank CSV: preamble, ';', cp1252, "
                "DD.MM.YYYY, Soll/Haben, Saldo", "steps": steps,
                "rows_clean": quality["rows_clean"], "rows_quarantined": quality["rows_quarantined"],
                "rows_duplicate": quality["rows_duplicate"],
                "targets": {"ingestion+features_s": 60, "peak_rss_mib": 4096}}
    finally:
        shutil.rmtree(project, ignore_errors=True)


def bench_training(args) -> dict:
    project = temp_project()
    try:
        steps = {"generate": generate(project, args.rows, args.seed),
                 "ingestion+features": kedro(project, "ingestion,features")}
        for name in ("category", "amount", "anomaly", "cashflow"):
            steps[name] = kedro(project, name)
        training = [steps[n] for n in ("category", "amount", "anomaly", "cashflow")]
        metrics = {}
        for name in ("category", "amount", "anomaly", "cashflow"):
            path = project / f"data/08_reporting/metrics_{name}.json"
            if path.exists():
                metrics[name] = {k: v for k, v in json.loads(path.read_text()).items()
                                 if isinstance(v, int | float) and not isinstance(v, bool)}
        return {"rows": args.rows, "steps": steps,
                "training_wall_s": round(sum(s["wall_s"] for s in training), 2),
                "training_peak_rss_mib": max(s["peak_rss_mib"] for s in training),
                "metrics": metrics,
                "targets": {"training_wall_s": 300, "peak_rss_mib": 8192}}
    finally:
        shutil.rmtree(project, ignore_errors=True)


def render(name: str, result: dict) -> str:
    m = result["machine"]
    lines = [f"Measured {m['date']} on {m['cores']} cores, {m['memory_gib']} GiB ({m['cpu']}), "
             f"Python {m['python']}; command: `{result['command']}`.", "",
             "| step | wall (s) | CPU user + sys (s) | peak RSS (MiB) | load before → after |",
             "|---|---:|---:|---:|---|"]
    for step, figures in result["steps"].items():
        cpu = (f"{figures['cpu_s']} ({figures['user_s']} + {figures['sys_s']})"
               if "cpu_s" in figures else "")
        load = (f"{figures['load_before']} → {figures['load_after']}"
                if "load_before" in figures else "")
        lines.append(f"| {step} | {figures['wall_s']} | {cpu} | {figures['peak_rss_mib']} | "
                     f"{load} |")
    extra = {k: v for k, v in result.items()
             if k not in ("steps", "machine", "command", "metrics")}
    lines += ["", "```json", json.dumps(extra, indent=2), "```"]
    if result.get("metrics"):
        lines += ["", "Model metrics of that run:", "", "```json",
                  json.dumps(result["metrics"], indent=2), "```"]
    return "\n".join(lines)


def write_section(name: str, body: str) -> None:
    DOC.parent.mkdir(exist_ok=True)
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + f"\n\n## {name}\n\n{block}\n"
    DOC.write_text(text)


BENCHMARKS = {"foundation": bench_foundation, "training": bench_training,
              "bank_export": bench_bank_export}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", default=[],
                        help=f"benchmarks to run, any of {', '.join(BENCHMARKS)} (default: all)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    for name in args.names or list(BENCHMARKS):
        print(f"running benchmark {name} ...", flush=True)
        result = BENCHMARKS[name](args)
        result["machine"] = machine()
        result["command"] = (f"python -m benchmarks.performance.run_benchmarks {name} --rows {args.rows} "
                             f"--seed {args.seed}")
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
        write_section(name, render(name, result))
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
