"""``recommend --apply -o`` never writes over the scenario it reads, even with
``--force``, and the README says so (tried as a new user would: it said "Writing onto the
scenario itself needs `--force`", which payback refuses)."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import EXAMPLES, ROOT, run


def test_the_readme_says_what_apply_does_with_its_own_input(tmp_path: Path) -> None:
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "Writing onto the scenario itself needs `--force`" not in readme
    assert (
        "`-o` never writes over the scenario it reads, even with `--force` (which lets it "
        "replace another file): give the new scenario another name."
    ) in readme
    scenario = tmp_path / "x.toml"
    shutil.copy(EXAMPLES / "catalog-ids.toml", scenario)
    before = scenario.read_bytes()
    code, _out, err = run("recommend", scenario, "--apply", "-o", scenario, "--force")
    assert code == 2
    assert "payback never writes over its input, even with --force" in err
    assert scenario.read_bytes() == before
