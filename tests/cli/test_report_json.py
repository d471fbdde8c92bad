"""``report --json``: every other command took --json; report said "no such option"."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import EXAMPLES, run


def test_report_json_lists_the_files_it_wrote(tmp_path: Path) -> None:
    output = tmp_path / "r.md"
    code, out, err = run("report", EXAMPLES / "seed.toml", "-o", output, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["report"] == str(output)
    written = {Path(p) for p in data["written"]}
    assert written == set(tmp_path.iterdir())  # the report and its charts, nothing else
    assert output in written
    assert len(written) > 1
    # the text says the same count
    code, out, err = run("report", EXAMPLES / "seed.toml", "-o", output)
    assert out.strip() == f"Wrote {output} and {len(written) - 1} charts beside it"
