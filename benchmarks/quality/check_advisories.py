"""Check pinned versions against published security advisories (OSV format), offline.

    git clone https://github.com/pypa/advisory-database /tmp/advisory-database
    .venv/bin/python -m benchmarks.quality.check_advisories --advisories /tmp/advisory-database \
        requirements-serve.txt requirements.lock [--pypi]

Reads every ``vulns/<package>/*.yaml`` of the PyPA advisory database (the source of the
PyPI advisories in OSV) and reports each pinned ``name==version`` that an advisory's
ranges or version list cover. ``--pypi`` also asks PyPI's JSON API, for each package whose
pinned version is the latest release, the advisories PyPI lists for it (only the latest
release's list is available without the version-specific API). Where the network
reaches the OSV or PyPI version APIs, ``pip-audit -r requirements-serve.txt --no-deps
--disable-pip`` does the same check against the live data; prefer it there.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.request
from pathlib import Path

import yaml
from packaging.version import InvalidVersion, Version


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        name, sep, version = line.split("#")[0].strip().partition("==")
        if sep:
            found[_canonical(name)] = version.split(";")[0].strip()
    return found


def _in_range(version: Version, events: list[dict]) -> bool:
    affected = False
    for event in events:
        if "introduced" in event:
            introduced = event["introduced"]
            if introduced == "0" or version >= Version(introduced):
                affected = True
        if "fixed" in event and version >= Version(event["fixed"]):
            affected = False
        if "last_affected" in event and version > Version(event["last_affected"]):
            affected = False
    return affected


def affecting(advisory: dict, name: str, version: str) -> bool:
    try:
        parsed = Version(version)
    except InvalidVersion:
        return False
    for item in advisory.get("affected", []):
        if _canonical(item.get("package", {}).get("name", "")) != name:
            continue
        if version in (item.get("versions") or []):
            return True
        for span in item.get("ranges", []):
            if span.get("type") == "ECOSYSTEM":
                try:
                    if _in_range(parsed, span.get("events", [])):
                        return True
                except InvalidVersion:
                    continue
    return False


def check_offline(pinned: dict[str, str], database: Path) -> tuple[list[tuple], int]:
    findings, covered = [], 0
    folders = {_canonical(p.name): p for p in (database / "vulns").iterdir() if p.is_dir()}
    for name, version in sorted(pinned.items()):
        folder = folders.get(name)
        if folder is None:
            continue
        covered += 1
        for file in sorted(folder.glob("*.yaml")):
            advisory = yaml.safe_load(file.read_text())
            if not advisory.get("withdrawn") and affecting(advisory, name, version):
                fixed = [e["fixed"] for a in advisory.get("affected", [])
                         for r in a.get("ranges", []) for e in r.get("events", []) if "fixed" in e]
                findings.append((name, version, advisory["id"], ", ".join(advisory.get(
                    "aliases", [])), ", ".join(fixed),
                    " ".join(str(advisory.get("summary") or advisory.get("details", ""))
                             .split())[:120]))
    return findings, covered


def check_pypi_latest(pinned: dict[str, str]) -> tuple[list[tuple], list[str], list[str]]:
    findings, latest, unreachable = [], [], []
    for name, version in sorted(pinned.items()):
        try:
            with urllib.request.urlopen(f"https://pypi.org/pypi/{name}/json", timeout=20) as r:
                data = json.load(r)
        except Exception:  # noqa: BLE001 - reported as not checked
            unreachable.append(name)
            continue
        if data["info"]["version"] != version:
            continue
        latest.append(name)
        for vuln in data.get("vulnerabilities") or []:
            findings.append((name, version, vuln.get("id"), ", ".join(vuln.get("aliases") or []),
                             ", ".join(vuln.get("fixed_in") or []),
                             " ".join(str(vuln.get("summary") or vuln.get("details") or "")
                                      .split())[:120]))
    return findings, latest, unreachable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("requirements", nargs="+", type=Path)
    parser.add_argument("--advisories", type=Path, required=True,
                        help="a checkout of github.com/pypa/advisory-database")
    parser.add_argument("--pypi", action="store_true", help="also ask PyPI's JSON API")
    args = parser.parse_args(argv)
    for requirements in args.requirements:
        pinned = pins(requirements)
        findings, covered = check_offline(pinned, args.advisories)
        print(f"## {requirements.name}: {len(pinned)} pinned packages\n")
        print(f"PyPA advisory database: {covered} of them have advisories on file; "
              f"{len(findings)} advisories cover the pinned version.\n")
        if args.pypi:
            online, latest, unreachable = check_pypi_latest(pinned)
            print(f"PyPI (latest releases only): {len(latest)} pinned versions are the latest "
                  f"release; {len(online)} advisories listed for them; {len(unreachable)} "
                  "packages unreachable.\n")
            findings += [f for f in online if f[:3] not in {x[:3] for x in findings}]
        if findings:
            print("| package | pinned | advisory | aliases | fixed in | summary |")
            print("|---|---|---|---|---|---|")
            for row in findings:
                print("| " + " | ".join(str(cell).replace("|", "/") for cell in row) + " |")
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
