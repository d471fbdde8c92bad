"""Logs and a starter scenario the usage tests write: four requests a day, and the
starter with some ``[traffic]`` figures written otherwise."""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path

STARTER = resources.files("payback").joinpath("data/starter.toml").read_text(encoding="utf-8")


def daily_logs(path: Path, first: dt.date, days: int, cached: str | None = None) -> Path:
    """Four requests a day of 1,000/200 tokens (and ``cached`` cached tokens in a
    ``cached_tokens`` column, where given) for ``days`` days from ``first``."""
    header = "ts,input_tokens,output_tokens" + (",cached_tokens" if cached is not None else "")
    rows = []
    for d in range(days):
        day = dt.datetime(first.year, first.month, first.day, tzinfo=dt.UTC) + dt.timedelta(d)
        for h in (1, 7, 13, 19):
            rows.append(
                f"{(day + dt.timedelta(hours=h)).isoformat()},1000,200"
                + (f",{cached}" if cached is not None else "")
            )
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


def starter_scenario(path: Path, **traffic: str) -> Path:
    """The starter with each ``[traffic]`` figure named written as given (its comment kept)."""
    text = STARTER
    for name, value in traffic.items():
        text, found = re.subn(rf"^{name} = \S+", f"{name} = {value}", text, count=1, flags=re.M)
        assert found, name
    path.write_text(text)
    return path
