"""Hosted API prices from the genai-prices 0.2.3 offline snapshot.

Every number pinned here was read from ``genai_prices/data.py`` of the pinned wheel;
dates are passed explicitly wherever a price or a batch rate changes over time.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from genai_prices import Usage, calc_price
from hypothesis import given, settings
from hypothesis import strategies as st

from payback.catalog.apis import GENAI_PRICES_VERSION, ApiPrice, api_price, search_api_models
from payback.errors import PaybackError

AFTER_BATCH = dt.date(2026, 11, 1)
"""A date after 2026-10-14, from which the snapshot carries batch rates."""

HINT = "(search_api_models(text) lists them)"


def error(ref: str, **kwargs: object) -> str:
    with pytest.raises(PaybackError) as info:
        api_price(ref, **kwargs)  # type: ignore[arg-type]
    message = str(info.value)
    assert "\n" not in message
    return message


def prices(p: ApiPrice) -> tuple[float, float | None, float]:
    return p.input_usd_per_mtok, p.cached_input_usd_per_mtok, p.output_usd_per_mtok


def test_the_pinned_version_is_the_one_installed() -> None:
    assert GENAI_PRICES_VERSION == "0.2.3"


def test_gpt_4o_prices_and_provenance() -> None:
    p = api_price("openai:gpt-4o", at=AFTER_BATCH)
    assert p == ApiPrice(
        ref="openai:gpt-4o",
        provider="openai",
        model="gpt-4o",
        name="gpt 4o",
        input_usd_per_mtok=2.5,
        cached_input_usd_per_mtok=1.25,
        output_usd_per_mtok=10.0,
        batch_discount=0.5,
        note=None,
        source=(
            "genai-prices 0.2.3 snapshot (pydantic/genai-prices), "
            "https://developers.openai.com/api/docs/pricing"
        ),
        checked=dt.date(2026, 11, 10),  # the day genai-prices 0.2.3 was published (PyPI)
        cached_input_batch_discount=0.0,  # batch keeps the $1.25 cache read
        undated=True,  # one price: genai-prices gives it no date
    )


def test_default_date_is_today() -> None:
    assert api_price("openai:gpt-4o") == api_price(
        "openai:gpt-4o", at=dt.datetime.now(dt.UTC).date()
    )


@pytest.mark.parametrize(
    "ref",
    [
        "gpt-4o",
        "gpt-4o-2024-08-06",  # a dated snapshot id, via the model's match clause
        "GPT-4o-2024-11-20",
        "openai:gpt-4o-2024-11-20",
        " OpenAI:gpt-4o ",
        "gpt-4o-20241120",  # compact date: genai-prices rewrites it to 2024-11-20
    ],
)
def test_aliases_of_gpt_4o(ref: str) -> None:
    assert api_price(ref, at=AFTER_BATCH).ref == "openai:gpt-4o"


def test_bare_id_goes_to_the_provider_genai_prices_picks() -> None:
    # google lists claude-sonnet-4-5 too; genai-prices picks anthropic for "claude*".
    p = api_price("claude-sonnet-4-5", at=AFTER_BATCH)
    assert (p.ref, prices(p), p.batch_discount) == (
        "anthropic:claude-sonnet-4-5",
        (3.0, 0.3, 15.0),
        0.5,
    )
    assert api_price("google:claude-sonnet-4-5", at=AFTER_BATCH).provider == "google"


def test_bare_id_listed_by_one_provider_only() -> None:
    # aws has no model_match; the id itself holds a ':' and the alias "amazon" of aws.
    p = api_price("amazon.nova-pro-v1:0", at=AFTER_BATCH)
    assert (p.ref, prices(p), p.name) == ("aws:amazon.nova-pro-v1:0", (0.8, 0.2, 3.2), "Nova Pro")


def test_provider_aliases() -> None:
    assert api_price("xai:grok-4.20", at=AFTER_BATCH).ref == "x-ai:grok-4.20"
    assert api_price("vertex:gemini-2.5-pro", at=AFTER_BATCH).ref == "google:gemini-2.5-pro"


def test_ambiguous_bare_id() -> None:
    assert error("codex-mini") == (
        "API model 'codex-mini' is ambiguous: 2 providers list it "
        "(openai:codex-mini, openrouter:codex-mini); name one as provider:model"
    )
    assert api_price("openai:codex-mini", at=AFTER_BATCH).provider == "openai"


def test_ambiguous_lists_at_most_ten() -> None:
    message = error("meta-llama/llama-3.3-70b-instruct")
    assert message.startswith(
        "API model 'meta-llama/llama-3.3-70b-instruct' is ambiguous: 11 providers list it "
        "(huggingface_fireworks-ai:meta-llama/Llama-3.3-70B-Instruct, "
    )
    assert message.endswith(
        "novita:meta-llama/llama-3.3-70b-instruct and 1 more); name one as provider:model"
    )


def test_unknown_model_suggests_near_refs() -> None:
    # gpt-4.1 and gpt-5.4 are as similar to gpt-4x (2*5/13): gpt-4.1 starts as it does for
    # longer (payback.nearby); difflib had put the later name in the alphabet first
    assert error("gpt-4x") == (
        "unknown API model 'gpt-4x'; did you mean openai:gpt-4, openai:gpt-4o, openai:gpt-4.1? "
        + HINT
    )
    # 4-0, 4-6 and 5-5 are as similar and start alike: as genai-prices lists them
    assert error("anthropic:claude-sonet-4-5") == (
        "unknown API model 'anthropic:claude-sonet-4-5'; did you mean "
        "anthropic:claude-sonnet-4-5, anthropic:claude-sonnet-4-0, anthropic:claude-sonnet-4-6? "
        + HINT
    )
    assert error("zzzzqqq") == f"unknown API model 'zzzzqqq'; no close match {HINT}"


def test_unknown_provider_suggests_near_providers() -> None:
    # zai and zhipuai are as near (2*2/8, 2*3/12): the first in the alphabet
    assert error("opnai:gpt-4o") == (
        "unknown API provider 'opnai' in 'opnai:gpt-4o'; did you mean openai, moonshotai, zai? "
        + HINT
    )
    assert error("foo:bar").startswith(
        "unknown API provider 'foo' in 'foo:bar'; known providers: anthropic, arcee, avian, aws, "
    )


def test_models_without_token_prices_are_refused() -> None:
    assert error("openai:text-embedding-3-small", at=AFTER_BATCH) == (
        "API model 'openai:text-embedding-3-small' has no per-token input and output price in "
        "genai-prices 0.2.3 on 2026-11-01 (it lists: $0.02/input MTok)"
    )
    # Included in the subscription: the snapshot lists an empty price.
    assert "(it lists: no prices at all)" in error("github-copilot:gpt-4o")


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
def test_input_tokens_must_be_finite_and_not_negative(bad: float) -> None:
    assert error("openai:gpt-4o", input_tokens=bad).startswith(
        "input_tokens for API model 'openai:gpt-4o' must be a finite number >= 0"
    )


def test_long_context_tier_follows_the_request_input_tokens() -> None:
    # Claude Haiku 5.5: every token of a request over 100,000 input tokens pays 5x.
    base = api_price("anthropic:claude-haiku-5-5", at=AFTER_BATCH)
    assert prices(base) == (0.1, 0.01, 0.5)
    assert base.note == (
        "tiered by input tokens per request: base tier picked (input_tokens not given); "
        "above 100,000: input $0.5/output $2.5 per Mtok"
    )
    at_start = api_price("anthropic:claude-haiku-5-5", at=AFTER_BATCH, input_tokens=100_000)
    assert prices(at_start) == (0.1, 0.01, 0.5)  # strictly above the start, as genai-prices
    assert at_start.note == (
        "tiered by input tokens per request: base tier picked for 100,000 input tokens "
        "(tiers from 100,000)"
    )
    above = api_price("anthropic:claude-haiku-5-5", at=AFTER_BATCH, input_tokens=100_001)
    assert prices(above) == (0.5, 0.05, 2.5)
    assert above.note == (
        "tiered by input tokens per request: tier above 100,000 picked for 100,001 input tokens"
    )
    assert above.batch_discount == 0.5  # the batch rates are tiered too

    long = api_price("anthropic:claude-sonnet-4-5", at=AFTER_BATCH, input_tokens=300_000)
    assert prices(long) == (6.0, 0.6, 22.5)


def test_a_price_says_where_its_tiers_start() -> None:
    """Where the rates change with the input tokens, whatever tier was picked: a study that
    moves the input tokens prices each sample at its own (analysis/follow_tiers.py)."""
    for tokens in (None, 100_000, 100_001):
        found = api_price("anthropic:claude-haiku-5-5", at=AFTER_BATCH, input_tokens=tokens)
        assert found.tier_starts == (100_000,)
    assert api_price("openai:gpt-4o", at=AFTER_BATCH).tier_starts == ()


def test_dated_price_before_and_after_the_change() -> None:
    # OpenAI cut o3 from $10/$40 to $2/$8 on 2025-06-10.
    before = api_price("openai:o3", at=dt.date(2025, 6, 9))
    after = api_price("openai:o3", at=dt.date(2025, 6, 10))
    assert prices(before) == (10.0, 0.5, 40.0)
    assert prices(after) == (2.0, 0.5, 8.0)
    assert before.note is not None
    assert before.note.startswith(
        "dated prices: picked the one in effect on 2025-06-09 (before 2025-06-10)"
    )
    assert after.note is not None
    assert after.note.startswith(
        "dated prices: picked the one in effect on 2025-06-10 (from 2025-06-10)"
    )


def test_a_price_says_when_it_next_changes() -> None:
    # o3: $10/$40 until its cut to $2/$8 on 2025-06-10; no change listed after that.
    asked = api_price("openai:o3", at=dt.date(2025, 5, 20))
    assert asked.next_change == dt.date(2025, 6, 10)
    assert asked.note is not None
    assert asked.note.startswith(
        "dated prices: picked the one in effect on 2025-05-20 (before 2025-06-10)"
    )
    assert api_price("openai:o3", at=dt.date(2025, 6, 9)).next_change == dt.date(2025, 6, 10)
    assert api_price("openai:o3", at=dt.date(2025, 6, 10)).next_change is None
    scheduled = api_price("google:gemini-3.6-flash", at=dt.date(2026, 12, 31))
    assert scheduled.next_change == dt.date(2027, 1, 1)
    assert api_price("openai:gpt-4o", at=AFTER_BATCH).next_change is None  # undated
    assert api_price("deepseek:deepseek-chat", at=AFTER_BATCH).next_change is None  # by hours


def test_a_scheduled_price_change() -> None:
    # The snapshot already holds Gemini 3.6 Flash doubling on 2027-01-01.
    now = api_price("google:gemini-3.6-flash", at=dt.date(2026, 12, 31))
    later = api_price("google:gemini-3.6-flash", at=dt.date(2027, 1, 1))
    assert prices(now) == (0.75, 0.075, 3.75)
    assert prices(later) == (1.5, 0.15, 7.5)
    assert now.note == "dated prices: picked the one in effect on 2026-12-31 (before 2027-01-01)"
    assert (now.batch_discount, later.batch_discount) == (0.5, 0.5)


def test_time_of_day_prices_take_the_one_for_most_hours() -> None:
    # DeepSeek Chat: standard 00:30-16:30 UTC (16 h), off-peak the other 8 h.
    p = api_price("deepseek:deepseek-chat", at=AFTER_BATCH)
    assert prices(p) == (0.27, 0.07, 1.1)
    assert p.note == (
        "time-of-day prices: picked the one for 16 of 24 h (UTC) on 2026-11-01; "
        "other hours: 8 h at input $0.135/output $0.55 per Mtok"
    )


@pytest.mark.parametrize(
    ("ref", "discount"),
    [
        ("openai:gpt-4o", 0.5),
        ("anthropic:claude-haiku-4-5", 0.5),
        ("google:gemini-2.5-pro", 0.5),
        ("x-ai:grok-4.20", 0.2),  # xAI: batch takes 20% off
        ("openai:gpt-3.5-turbo-1106", 0.0),  # batch at the standard price
        ("openai:gpt-oss-120b", None),  # no batch rate in the snapshot
    ],
)
def test_batch_discount_from_the_snapshot(ref: str, discount: float | None) -> None:
    assert api_price(ref, at=AFTER_BATCH).batch_discount == discount


@pytest.mark.parametrize(
    ("ref", "cached"),
    [
        ("openai:gpt-4o", 0.0),  # batch input $1.25, cache read $1.25 as in standard
        ("google:gemini-2.5-pro", 0.0),  # "context caching stays at the standard rate"
        ("anthropic:claude-haiku-4-5", 0.5),  # batch cache reads are 50% of standard
        ("x-ai:grok-4.20", 0.2),
        ("openai:gpt-3.5-turbo-1106", None),  # no cache-read rate
        ("openai:gpt-oss-120b", None),  # no batch rate
    ],
)
def test_batch_discount_on_cache_reads_from_the_snapshot(ref: str, cached: float | None) -> None:
    assert api_price(ref, at=AFTER_BATCH).cached_input_batch_discount == cached


def test_batch_rates_start_on_2026_10_14() -> None:
    before = api_price("openai:gpt-4o", at=dt.date(2026, 10, 13))
    assert before.batch_discount is None
    assert before.note == "batch rate given only from 2026-10-14, not on 2026-10-13"
    assert api_price("openai:gpt-4o", at=dt.date(2026, 10, 14)).batch_discount == 0.5


def test_a_reseller_borrows_the_makers_price_without_batch() -> None:
    p = api_price("azure:gpt-4o", at=AFTER_BATCH)
    assert (p.ref, p.provider, prices(p), p.batch_discount) == (
        "azure:gpt-4o",
        "azure",
        (2.5, 1.25, 10.0),
        None,
    )
    assert p.note == (
        "azure lists no price of its own for gpt-4o; genai-prices uses openai's, without batch rates"
    )


def test_per_request_fee_is_noted() -> None:
    p = api_price("perplexity:sonar", at=AFTER_BATCH)
    assert prices(p) == (1.0, None, 1.0)
    assert p.note == "plus $12 per 1,000 requests, not in these token prices"


def test_search() -> None:
    found = search_api_models("GPT-4O")
    refs = [p.ref for p in found]
    assert "openai:gpt-4o" in refs
    assert "openai:gpt-4o-mini" in refs
    assert refs == sorted(refs, key=lambda r: (r.casefold(), r))
    assert all("gpt-4o" in p.ref.casefold() or "gpt-4o" in (p.name or "").casefold() for p in found)
    by_name = search_api_models("claude haiku 5.5")  # matched on the display name
    assert "anthropic:claude-haiku-5-5" in [p.ref for p in by_name]
    assert search_api_models("no-such-model-anywhere") == []


def test_search_lists_only_token_priced_models() -> None:
    everything = search_api_models()
    refs = {p.ref for p in everything}
    assert len(everything) == len(refs) > 1500
    assert "openai:text-embedding-3-small" not in refs
    assert "github-copilot:gpt-4o" not in refs


def test_every_listed_ref_resolves_to_itself() -> None:
    today = dt.datetime.now(dt.UTC).date()
    for p in search_api_models():
        assert api_price(p.ref, at=today) == p


REFS = [p.ref for p in search_api_models()]


@settings(max_examples=150, deadline=None)
@given(
    ref=st.sampled_from(REFS),
    input_tokens=st.integers(min_value=0, max_value=2_000_000),
    output_tokens=st.integers(min_value=0, max_value=200_000),
)
def test_token_prices_agree_with_genai_prices_own_calculation(
    ref: str, input_tokens: int, output_tokens: int
) -> None:
    """Our per-Mtok rates, times the tokens, are what genai-prices' calc_price charges."""
    p = api_price(ref, at=AFTER_BATCH, input_tokens=input_tokens)
    if p.note and ("time-of-day" in p.note or "per 1,000 requests" in p.note):
        return  # calc_price prices one moment of the day / adds the request fee
    when = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)
    usage = Usage(input_tokens=input_tokens, output_tokens=output_tokens)
    try:
        expected = calc_price(usage, p.model, provider_id=p.provider, genai_request_timestamp=when)
    except LookupError:
        return  # ids its own match clauses do not accept (aws regional.*, fireworks)
    if expected.model.id != p.model:
        return
    ours = (
        Decimal(repr(p.input_usd_per_mtok)) * input_tokens
        + Decimal(repr(p.output_usd_per_mtok)) * output_tokens
    ) / 1_000_000
    assert abs(ours - expected.total_price) <= Decimal("1e-12")
    if p.batch_discount is not None and (p.note is None or "the smaller" not in p.note):
        batch = calc_price(
            usage,
            p.model,
            provider_id=p.provider,
            genai_request_timestamp=when,
            price_context={"processing": "batch"},
        )
        share = Decimal(repr(p.batch_discount))
        assert abs(expected.total_price * (1 - share) - batch.total_price) <= Decimal("1e-9")
    assert p.batch_discount is None or 0.0 <= p.batch_discount <= 1.0
