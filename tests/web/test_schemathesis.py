"""The OpenAPI description matches every answer: `schemathesis run --checks all` against a real
`policy-archive serve` over the seeded archive reports no failure.

All checks: no server error, every status, content type, header and body as documented, schema-valid
input accepted and invalid input refused, 405 with Allow for undeclared methods, and the stateful
links. A fixed seed and a bounded number of examples per operation keep it reproducible and quick.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.web.live import serve

pytestmark = [pytest.mark.pg, pytest.mark.slow]

SEED = 20251203
EXAMPLES = 20  # per operation and phase
# An advanced query is Whoosh syntax, which no JSON schema can express: a well-formed string can
# still be a syntax error, which the API answers with the documented 400 and a message.
CONFIG = """
[[operations]]
include-path = "/api/search"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]
"""


def test_schemathesis_finds_no_failure(seed_settings, tmp_path: Path):
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG, encoding="utf-8")
    cli = Path(sys.executable).with_name("schemathesis")
    with serve(seed_settings) as served:
        run = subprocess.run(
            [str(cli), "--no-color", "--config-file", str(config), "run", f"{served.url}/api/openapi.json",
             "--checks", "all", "--seed", str(SEED), "--max-examples", str(EXAMPLES), "--workers", "1",
             "--generation-database", "none", "--request-timeout", "30", "--warnings", "off"],
            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    output = run.stdout + run.stderr
    assert run.returncode == 0 and "No issues found" in output, output[-20_000:]
    selected, tested = re.search(r"Selected: \d+/(\d+)", output), re.search(r"Tested: (\d+)", output)
    assert selected and tested and int(tested.group(1)) == int(selected.group(1)) > 10, output[-2000:]  # every operation
    assert "Traceback" not in "".join(served.output), served.output
