"""A triangular's or uniform's stated ends are numbers the scenario writes: each is checked
against its own field's bounds, strict (``> 0``, ``< 1``) and inclusive alike, as the
number itself would be. Tried as a new user would on an escalation share (``≥ 0`` and
``< 1``): ``high = 1`` was accepted and sampled up to 1, ``high = 1.5`` was told "each end
must be ≥ 0 and ≤ 1", and ``low = 0.5, high = 1.5`` was told about its central value 1
without naming ``high = 1.5``."""

from __future__ import annotations

import inspect
import math
import tomllib
from pathlib import Path
from typing import Annotated, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

import payback.scenario.schema as schema
from helpers import EXAMPLES, assert_user_error, edited, run
from payback import PaybackError
from payback.scenario import parse_scenario
from payback.scenario.distributions import Normal, Triangular, Uniform, stated_end_problem
from payback.scenario.paths import FieldRange, schema_range
from payback.studies import uncertainty as un

UNCERTAIN = EXAMPLES / "quarter-uncertain.toml"
SHARE = "alternatives.0.escalation_share"
SHARE_RULE = "each end must be ≥ 0 and < 1"


def _number(value: float) -> str:
    """A number as the lines write it: ``:g`` where that keeps every digit, else repr."""
    text = f"{value:g}"
    return text if float(text) == value else repr(value)


def _bounded_fields() -> list[tuple[type[BaseModel], str]]:
    """Every real-valued field of the schema with a finite bound."""
    out = []
    for model in vars(schema).values():
        if not (inspect.isclass(model) and issubclass(model, BaseModel)):
            continue
        if model.__module__ != schema.__name__:
            continue
        for name in model.model_fields:
            allowed = schema_range(model, name)
            if allowed.is_real and (
                math.isfinite(allowed.lowest) or math.isfinite(allowed.highest)
            ):
                out.append((model, name))
    return out


BOUNDED = _bounded_fields()


def _plain(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    """The field as pydantic validates a plain number written there."""
    info = model.model_fields[name]
    if not info.metadata:
        return TypeAdapter(info.annotation)
    return TypeAdapter(Annotated[info.annotation, *info.metadata])


def _accepted(adapter: TypeAdapter[Any], value: float) -> bool:
    try:
        adapter.validate_python(value)
    except ValidationError:
        return False
    return True


def _near(allowed: FieldRange) -> st.SearchStrategy[float]:
    """Values on, just inside and just past each finite bound, and between."""
    edges = [b for b in (allowed.lowest, allowed.highest) if math.isfinite(b)]
    exact = [
        v
        for b in edges
        for v in (b, math.nextafter(b, math.inf), math.nextafter(b, -math.inf), b - 1, b + 1)
    ]
    low = min(edges) - 2
    high = max(edges) + 2
    return st.one_of(st.sampled_from(exact), st.floats(low, high, allow_nan=False))


def test_every_strict_bound_of_the_schema_is_among_the_fields_checked() -> None:
    """escalation_share and the discounts (< 1), the counts and latencies (> 0), the price
    changes and growth (> −1): each a field the property below runs on."""
    strict = {
        (model.__name__, name)
        for model, name in BOUNDED
        if not (
            schema_range(model, name).lowest_included and schema_range(model, name).highest_included
        )
    }
    assert {
        ("SelfHostedOption", "escalation_share"),
        ("HostedApiOption", "batch_discount"),
        ("HostedApiOption", "cached_input_batch_discount"),
        ("Traffic", "requests_per_month"),
        ("Traffic", "growth_monthly"),
        ("TrainingJob", "epochs"),
        ("SelfHostedOption", "tpot_ms"),
        ("SelfHostedOption", "target_utilization"),
        ("HostedApiOption", "price_change_annual"),
    } <= strict


@settings(max_examples=400, deadline=None)
@given(data=st.data(), kind=st.sampled_from(["uniform", "triangular"]))
def test_ends_the_plain_field_accepts_are_accepted_and_others_refused_naming_them(
    data: st.DataObject, kind: str
) -> None:
    """For every bounded number of the schema: a uniform or triangular whose ends are both
    numbers the field accepts written plain is accepted; one with an end it refuses is
    refused in one line naming that end (``high = 1``) and the field's rule."""
    model, name = data.draw(st.sampled_from(BOUNDED))
    allowed = schema_range(model, name)
    a, b = sorted((data.draw(_near(allowed)), data.draw(_near(allowed))))
    if kind == "uniform":
        dist: Uniform | Triangular = Uniform(dist="uniform", low=a, high=b)
    else:
        dist = Triangular(dist="triangular", low=a, mode=b, high=b)
    plain = _plain(model, name)
    refused = [
        f"{end} = {_number(v)}" for end, v in (("low", a), ("high", b)) if not _accepted(plain, v)
    ]
    line = stated_end_problem(name, dist, allowed)
    if not refused:
        assert line is None
        return
    assert line is not None
    assert "\n" not in line
    said = line.split(": ", 1)[1]
    assert said.startswith(f"{' and '.join(refused)} ")
    rule = [allowed.describe_low(), allowed.describe_high()]
    assert said.endswith(" and ".join(r for r in rule if "inf" not in r))


@pytest.mark.parametrize(
    ("ends", "refused"),
    [
        ("low = 0.5, high = 1.0", "high = 1 is"),  # accepted, sampled up to 1
        ("low = 0.2, high = 1.5", "high = 1.5 is"),  # told "≤ 1"
        ("low = 0.5, high = 1.5", "high = 1.5 is"),  # told of its central value 1
        ("low = -5, high = 1.5", "low = -5 and high = 1.5 are"),  # of its central value
    ],
)
def test_an_escalation_share_end_the_field_refuses_is_named_exit_2(
    tmp_path: Path, ends: str, refused: str
) -> None:
    text = UNCERTAIN.read_text()
    line = 'escalation_share = { dist = "triangular", low = 0.03, mode = 0.10, high = 0.25 }'
    assert line in text
    path = tmp_path / "s.toml"
    written = f'{{ dist = "uniform", {ends.replace("1.0", "1")} }}'
    path.write_text(text.replace(line, f"escalation_share = {written}"))
    code, out, err = run("analyze", path, "--samples", "200")
    assert_user_error(code, out, err)
    assert err.strip().splitlines() == [
        f"error: {path}: {SHARE} = {written}: {refused} outside the field's range; {SHARE_RULE}"
    ]


def _uncertain() -> dict[str, Any]:
    return tomllib.loads(UNCERTAIN.read_text())


PIPELINE = {
    SHARE: (0.0, 1.0),  # ≥ 0, < 1
    "traffic.requests_per_month": (0.0, 1e13),  # > 0, ≤ 10¹³
    "traffic.growth_monthly": (-1.0, 1.0),  # > −1, ≤ 1
    "traffic.cached_input_share": (0.0, 1.0),  # ≥ 0, ≤ 1
    "baseline.price_change_annual": (-1.0, 1.0),  # > −1, ≤ 1
}


def _reads(data: dict[str, Any]) -> str | None:
    """None when the scenario reads, else its lines."""
    try:
        parse_scenario(data)
    except PaybackError as exc:
        return str(exc)
    return None


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_a_scenario_with_ends_the_plain_field_accepts_reads_and_others_are_named(
    data: st.DataObject,
) -> None:
    """The same through the whole reading of a scenario (the schema's check of the central
    value, then the ends'), on fields with strict and inclusive bounds: the plain file
    with each end written as the number itself is the judge."""
    path = data.draw(st.sampled_from(sorted(PIPELINE)))
    low, high = PIPELINE[path]
    values = st.one_of(
        st.sampled_from([low, high, math.nextafter(low, 2), math.nextafter(high, -2), -1.5]),
        st.floats(low - 1, high + 1, allow_nan=False),
    )
    if path == "traffic.requests_per_month":  # a plain 10¹³ needs too many GPUs
        values = st.sampled_from([0.0, 5e-324, 1.0, 3e5, -1.0])
    a, b = sorted((data.draw(values), data.draw(values)))
    base = _uncertain()
    accepted = [_reads(edited(base, path, v)) is None for v in (a, b)]
    told = _reads(edited(base, path, {"dist": "uniform", "low": a, "high": b}))
    if all(accepted):
        assert told is None
        return
    assert told is not None
    assert "\n" not in told
    said = told.split(" }: ", 1)[1]  # after the distribution as written
    for end, v, ok in (("low", a, accepted[0]), ("high", b, accepted[1])):
        assert (f"{end} = {_number(v)}" in said) is not ok, told


def test_an_escalation_share_just_below_1_is_sampled_below_1() -> None:
    """high = 0.9999 is accepted, and its samples stay under the field's excluded 1."""
    scenario = parse_scenario(
        edited(_uncertain(), SHARE, {"dist": "uniform", "low": 0.5, "high": 0.9999})
    )
    from payback.analysis.resolve import resolve

    (item,) = [i for i in un.uncertain_inputs(resolve(scenario)) if i.path == SHARE]
    assert float(item.ppf(1.0)) == pytest.approx(0.9999)
    assert item.ends() == pytest.approx((0.54999, 0.94991))  # 0.5 + 0.4999 × (0.1, 0.9)


def test_a_normal_on_a_strict_bound_keeps_the_tail_rule() -> None:
    """A normal's tails are implied, not stated: mean 0.9, sd 0.05 puts Φ(−2) = 2.3% at or
    above 1, under 10%, and moves its median from 0.9 to 0.8986 (1.1% of its p10-p90
    spread of 0.128): accepted, drawn truncated below 1 (never on it)."""
    scenario = parse_scenario(
        edited(_uncertain(), SHARE, {"dist": "normal", "mean": 0.9, "sd": 0.05})
    )
    assert scenario.distributions[SHARE] == Normal(dist="normal", mean=0.9, sd=0.05)
    from payback.analysis.resolve import resolve

    (item,) = [i for i in un.uncertain_inputs(resolve(scenario)) if i.path == SHARE]
    assert float(item.ppf(1.0)) < 1.0
    assert float(item.ppf(1.0)) == pytest.approx(1.0)
