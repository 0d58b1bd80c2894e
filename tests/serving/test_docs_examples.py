"""docs/serving.md's examples, pasted as they are into bash against the test server.

Only the host and port change (``localhost:3000`` → the test server's); the keys are the
ones the docs use, which the test server accepts.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from tests.conftest import PROJECT_ROOT

DOCS = PROJECT_ROOT / "docs" / "serving.md"


def _bash_blocks() -> list[str]:
    return re.findall(r"```bash\n(.*?)```", DOCS.read_text(), flags=re.S)


def _commands(block: str) -> list[str]:
    """Shell commands of a block (continuation lines joined), without comment lines."""
    joined = re.sub(r"\\\n\s*", "", block)
    return [line for line in joined.splitlines() if line.strip() and not line.startswith("#")]


def test_the_examples_exist_and_use_no_placeholders():
    blocks = [b for b in _bash_blocks() if "curl" in b]
    assert len(blocks) >= 2
    for block in blocks:
        for command in _commands(block):
            assert "{...}" not in command and "...same..." not in command, command


def test_every_curl_example_runs_as_pasted(service_url, corrections_path):
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    before = corrections_path.read_bytes() if corrections_path.exists() else b""
    host = service_url.removeprefix("http://")
    # the blocks share their variables (H, J, TX, A), as in one terminal session
    script, outputs = [], []
    for block in _bash_blocks():
        for command in _commands(block):
            if command.startswith(("export ", "make ")):
                continue  # the server is already running
            script.append(command.replace("localhost:3000", host))
    marker = "=====END-OF-EXAMPLE====="
    run = "\n".join(f"{c}\necho\necho {marker}" if c.startswith("curl") else c for c in script)
    result = subprocess.run(["bash", "-c", "set -o pipefail\n" + run], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    outputs = [o.strip() for o in result.stdout.split(marker)[:-1]]
    curls = [c for c in script if c.startswith("curl")]
    assert len(outputs) == len(curls) >= 10
    for command, output in zip(curls, outputs, strict=True):
        assert output, command
        if "/metrics" in command:
            assert output.startswith("titans_category_abstention_rate"), output[:200]
            continue
        body = json.loads(output)
        assert "error" not in body or "/validate" in command, (command, output[:300])
    # the feedback example only checks (dry run): the corrections file is untouched
    after = corrections_path.read_bytes() if corrections_path.exists() else b""
    assert after == before
