"""The lean set of requirements the service needs (``requirements-serve.txt``).

The serving image (``bentoml build``) installs this file, not the whole lock: the service
needs BentoML, the models' libraries and what `titans_finance.core` imports — not
Kedro, MLflow, DVC, Jupyter, kedro-viz or the test tools. Every package is pinned to
the version in ``requirements.lock`` (the tested tree); the set is the dependency closure
of `SERVING_PACKAGES` as installed. Regenerate after changing the lock:

    .venv/bin/python -m titans_finance.serving.requirements > requirements-serve.txt

(a test checks that the file is up to date).
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

# What the service imports at run time: BentoML (which brings pydantic, starlette,
# uvicorn and prometheus_client), the models' libraries, core's own imports, and orjson
# (a batch's answer: serving/batch_thread.py).
SERVING_PACKAGES = ("bentoml", "pandas", "pyarrow", "numpy", "scipy", "scikit-learn", "lightgbm",
                    "sktime", "pandera", "pyyaml", "orjson")
HEADER = ("# Requirements of the BentoML service only (bentofile.yaml), pinned as in "
          "requirements.lock.\n# Regenerate: .venv/bin/python -m "
          "titans_finance.serving.requirements > requirements-serve.txt\n")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_versions(lock: Path) -> dict[str, str]:
    pins = {}
    for line in lock.read_text().splitlines():
        name, sep, version = line.strip().partition("==")
        if sep and not name.startswith("#"):
            pins[_canonical(name)] = version.split(";")[0].strip()
    return pins


def closure(roots: tuple[str, ...] = SERVING_PACKAGES) -> set[str]:
    """Canonical names of ``roots`` and everything they require (markers evaluated for
    this interpreter, no extras), from the installed distributions' metadata."""
    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = [_canonical(r) for r in roots]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for spec in metadata.requires(name) or []:
            requirement = Requirement(spec)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(_canonical(requirement.name))
    return seen


def serving_requirements(lock: Path) -> str:
    pins = locked_versions(lock)
    names = sorted(closure())
    missing = [n for n in names if n not in pins]
    if missing:
        raise SystemExit(f"not in {lock}: {', '.join(missing)}")
    return HEADER + "".join(f"{name}=={pins[name]}\n" for name in names)


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[3]
    sys.stdout.write(serving_requirements(root / "requirements.lock"))
