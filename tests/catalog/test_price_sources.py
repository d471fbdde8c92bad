"""Where the packaged prices come from: an old figure carries a re-check record, a re-check
against the SkyPilot catalog names the commit it read, and the arithmetic it quotes holds
(per GPU-hour = instance price / GPU count) and agrees, or not, as it says."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from payback.catalog import Catalog, Gpu, GpuPrice, HostedFineTune, default_catalog

RECHECK_AFTER_DAYS = 90
"""A price read longer ago than this, counted back from the catalog's own date, carries a
``recheck`` record: what comparing it with the provider's data found, or why it could not."""

CAT = default_catalog()

SKYPILOT = re.compile(
    r"skypilot-org/skypilot-catalog@(?P<commit>\S+) catalogs/v\d+/(?P<cloud>[a-z]+)/vms\.csv"
)
# "55.04/h / 8 = 6.88": an instance price, its GPU count and the per-GPU figure
DIVIDED = re.compile(r"(\d+(?:\.\d+)?)/h / (\d+) = (\d+(?:\.\d+)?)")
# "4.29/h" not divided further: a one-GPU instance's price
ALONE = re.compile(r"(?<![\d.])(\d+\.\d+)/h(?! /)")


def _offers(catalog: Catalog) -> list[tuple[str, GpuPrice | HostedFineTune]]:
    gpu_prices: list[tuple[str, GpuPrice | HostedFineTune]] = [
        (f"{gpu.id} at {price.provider} ({price.kind})", price)
        for gpu in catalog.gpus.values()
        for price in gpu.prices
    ]
    return gpu_prices + [(offer.id, offer) for offer in catalog.finetunes.values()]


def _catalog_date(catalog: Catalog) -> dt.date:
    """The catalog's own date: the latest date any of its records was checked."""
    return max(
        [record.checked for _, record in _offers(catalog)]
        + [gpu.checked for gpu in catalog.gpus.values()]
    )


def _per_gpu_figures(text: str) -> list[float]:
    """Every per-GPU-hour figure a re-check quotes, each division redone here."""
    figures = []
    for price, count, _ in DIVIDED.findall(text):
        figures.append(float(price) / int(count))
    figures += [float(price) for price in ALONE.findall(DIVIDED.sub("", text))]
    return figures


def _skypilot_rechecks(catalog: Catalog = CAT) -> list[tuple[str, GpuPrice]]:
    return [
        (f"{gpu.id} at {p.provider}", p)
        for gpu in catalog.gpus.values()
        for p in gpu.prices
        if p.recheck is not None and "skypilot-catalog" in p.recheck
    ]


def _head(recheck: str) -> str:
    """The newest re-check: the text before an earlier one kept after 'Before:'."""
    return recheck.split(" Before: ", 1)[0]


def _never_rechecked(catalog: Catalog) -> list[str]:
    """Offers read over :data:`RECHECK_AFTER_DAYS` before the catalog's date, never re-checked."""
    today = _catalog_date(catalog)
    return [
        name
        for name, record in _offers(catalog)
        if (today - record.checked).days > RECHECK_AFTER_DAYS and record.recheck is None
    ]


def _price(provider: str, checked: dt.date, recheck: str | None = None) -> GpuPrice:
    return GpuPrice(
        provider=provider,
        usd_per_gpu_hour=1.0,
        source="inline test price",
        checked=checked,
        recheck=recheck,
    )


def test_the_rule_on_a_hand_made_catalog() -> None:
    gpu = Gpu(
        id="x",
        name="x",
        memory_gb=80,
        memory_bandwidth_gb_s=2000,
        bf16_tflops=300,
        source="inline test record",
        checked=dt.date(2026, 12, 1),  # the catalog's date: its latest reading
        prices=[
            _price("fresh", dt.date(2026, 9, 2)),  # 90 days before: fine without a record
            _price("old", dt.date(2026, 9, 1)),  # 91 days before, never re-checked
            _price("kept", dt.date(2025, 1, 1), "2026-12-01: could not be re-checked: ..."),
        ],
    )
    catalog = Catalog.of(gpus=[gpu])
    assert _catalog_date(catalog) == dt.date(2026, 12, 1)
    assert _never_rechecked(catalog) == ["x at old (on_demand)"]


def _stamps(recheck: str) -> list[dt.date]:
    """The dates of a re-check record: its newest, and those kept after 'Before:'."""
    found = re.findall(r"(?:^|Before: )(\d{4}-\d{2}-\d{2}):", recheck)
    return [dt.date.fromisoformat(stamp) for stamp in found]


def _read_again(catalog: Catalog, day: dt.date) -> Catalog:
    """``catalog`` after the next real reading: the first SkyPilot-compared price read
    again from its provider on ``day``, then compared with the SkyPilot catalog the day
    after (the earlier re-check kept after 'Before:')."""
    gpu, price = next(
        (g, p)
        for g in catalog.gpus.values()
        for p in g.prices
        if p.recheck is not None and "skypilot-catalog" in p.recheck
    )
    assert price.recheck is not None
    later = day + dt.timedelta(days=1)
    recheck = (
        f"{later.isoformat()}: {_head(price.recheck).split(': ', 1)[1]} Before: {price.recheck}"
    )
    read = price.model_copy(update={"checked": day, "recheck": recheck})
    prices = [read if p is price else p for p in gpu.prices]
    gpus = {**catalog.gpus, gpu.id: gpu.model_copy(update={"prices": prices})}
    return Catalog(gpus, catalog.models, catalog.finetunes)


CATALOGS = {
    "packaged": CAT,
    # a price read today: what the next real reading does to the catalog these tests read
    "read again": _read_again(CAT, dt.date.today()),
}


@pytest.mark.parametrize("catalog", CATALOGS.values(), ids=CATALOGS.keys())
def test_the_catalog_date_is_its_latest_reading(catalog: Catalog) -> None:
    """The date the re-check rule counts back from is the newest ``checked`` of any GPU
    record or offer (a reading, never a re-check's date), and no reading is dated after
    today."""
    readings = [gpu.checked for gpu in catalog.gpus.values()] + [
        record.checked for _, record in _offers(catalog)
    ]
    date = _catalog_date(catalog)
    assert date in readings
    assert all(reading <= date for reading in readings)
    assert date <= dt.date.today()


def test_every_price_read_over_90_days_before_the_catalog_date_has_a_recheck() -> None:
    assert _never_rechecked(CAT) == []


def test_a_recheck_is_dated_and_not_before_the_reading_it_checks() -> None:
    for name, record in _offers(CAT):
        if record.recheck is None:
            continue
        for stamp in _stamps(record.recheck):
            assert stamp >= record.checked, (name, stamp)
        assert re.match(r"\d{4}-\d{2}-\d{2}: ", record.recheck), name


def test_every_skypilot_recheck_names_a_commit_and_a_catalog_file() -> None:
    found = _skypilot_rechecks()
    assert len(found) >= 20  # AWS, Lambda, RunPod, Nebius and GCP offers were compared
    clouds = set()
    for name, price in found:
        assert price.recheck is not None
        cited = list(SKYPILOT.finditer(price.recheck))
        assert cited, f"{name}: names the SkyPilot catalog without its file and commit"
        for match in cited:
            assert re.fullmatch(r"[0-9a-f]{40}", match["commit"]), (name, match["commit"])
            clouds.add(match["cloud"])
    assert {"aws", "lambda", "runpod", "nebius"} <= clouds


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        ("p5.48xlarge 55.04/h / 8 = 6.88 in us-east-1", [6.88]),
        ("gpu_1x_h100_sxm5 4.29/h; gpu_8x_h100_sxm5 31.92/h / 8 = 3.99", [3.99, 4.29]),
        ("8x_H100-NVL 31.90/h / 10 = 3.19, 2x 9.18/h", [3.19, 9.18]),
    ],
)
def test_per_gpu_figures_are_read_and_redivided(text: str, figures: list[float]) -> None:
    assert _per_gpu_figures(text) == pytest.approx(figures)


def test_the_quoted_divisions_are_right() -> None:
    for name, price in _skypilot_rechecks():
        assert price.recheck is not None
        for instance, count, per_gpu in DIVIDED.findall(price.recheck):
            assert float(instance) / int(count) == pytest.approx(float(per_gpu), abs=0.006), (
                name,
                instance,
                count,
            )


def test_agree_means_the_figure_is_the_offer_and_differ_means_it_is_not() -> None:
    """A re-check that says the SkyPilot catalog agrees quotes the offer's own per-GPU rent
    (to half a cent or 0.5%); one that says it differs quotes none within 1%."""
    agreed = differed = 0
    for name, price in _skypilot_rechecks():
        assert price.recheck is not None
        head = _head(price.recheck)
        figures = _per_gpu_figures(head)
        rent = price.usd_per_gpu_hour
        if "agrees with the SkyPilot catalog" in head:
            agreed += 1
            assert any(abs(f - rent) <= 0.005 + 0.005 * rent for f in figures), (name, figures)
        elif "differs from the SkyPilot catalog" in head:
            differed += 1
            assert figures, name
            assert all(abs(f - rent) > 0.01 * rent for f in figures), (name, figures)
    assert agreed >= 15
    assert differed >= 2  # RunPod's H100 SXM and A100 SXM: later dated readings kept


def test_nebius_offers_are_nebius_own_figures() -> None:
    """One rule for Nebius's GPUs: where Nebius's own data (via SkyPilot) was read, the offer
    is that figure, never a third party's transcription that disagrees with it, whichever is
    dated later (the B200 had kept a tracker's 7.15 against Nebius's 5.50)."""
    nebius = [(name, p) for name, p in _skypilot_rechecks() if p.provider == "nebius"]
    assert {name for name, _ in nebius} >= {
        "h100-sxm at nebius",
        "h200 at nebius",
        "b200 at nebius",
        "l40s at nebius",
    }
    for name, price in nebius:
        assert price.recheck is not None
        head = _head(price.recheck)
        assert "agrees with the SkyPilot catalog" in head, name
        figures = _per_gpu_figures(head)
        assert any(abs(f - price.usd_per_gpu_hour) <= 0.005 for f in figures), (name, figures)
    b200 = next(p for name, p in nebius if name == "b200 at nebius")
    assert b200.usd_per_gpu_hour == 5.50


@pytest.mark.parametrize("catalog", CATALOGS.values(), ids=CATALOGS.keys())
def test_a_skypilot_recheck_never_moves_the_reading_date(catalog: Catalog) -> None:
    """The stored SkyPilot copy carries no date, so ``checked`` stays a dated reading's,
    before the re-check that compared it, and the source stays the provider's page."""
    found = _skypilot_rechecks(catalog)
    assert found
    for name, price in found:
        assert price.recheck is not None
        assert "skypilot" not in price.source.lower(), name
        assert price.checked < _stamps(_head(price.recheck))[0], name


# "21.957642 USD/h / 8", "44.00/h / 8": an instance's price and its GPU count
INSTANCE = re.compile(r"(\d+(?:\.\d+)?)(?: USD)?/h / (\d+)\b")
# "0.001097 USD/s": a per-second rate
PER_SECOND = re.compile(r"(\d+\.\d+) USD/s")
# "= 3.3996", "(10.9791)", "2.4984/h": a per-GPU figure the note gives to three places or more
FINE = re.compile(r"(?:= |\()(\d+\.\d{3,})\b|(?<![\d.])(\d+\.\d{3,})/h")


def _exact_figures(price: GpuPrice) -> list[float]:
    """Every per-GPU-hour figure an offer's note, or its newest re-check, works out: an
    instance's price over its GPU count, a per-second rate x 3600, a figure given to three
    places or more in the note."""
    texts = [price.note or "", _head(price.recheck or "")]
    figures = [float(p) / int(n) for text in texts for p, n in INSTANCE.findall(text)]
    figures += [float(r) * 3600 for text in texts for r in PER_SECOND.findall(text)]
    figures += [float(a or b) for a, b in FINE.findall(INSTANCE.sub("", price.note or ""))]
    return figures


@pytest.mark.parametrize(
    ("note", "figures"),
    [
        (
            "p4d.24xlarge (8x A100 40GB) 21.957642 USD/h / 8 = 2.7447, us-east-1",
            [2.74470525, 2.7447],
        ),
        ("0.001097 USD/s = 3.9492/h, billed per second", [3.9492, 3.9492]),
        ("Standard_ND96asr_A100_v4 (8x A100 40GB SXM) / 8 = 3.3996, East US", [3.3996]),
        ("list price per GPU from the Cloud Billing catalog (10.9791), boot disk", [10.9791]),
        ("1x H100 SXM instance. The 8x instance is 3.99 per GPU-hour.", []),
    ],
)
def test_exact_figures_are_read(note: str, figures: list[float]) -> None:
    price = _price("aws", dt.date(2026, 11, 9))
    assert _exact_figures(price.model_copy(update={"note": note})) == pytest.approx(figures)


def test_a_divided_rent_is_stored_with_every_digit() -> None:
    """An offer whose note or re-check works out its own per-GPU rent (within 1%) stores that
    figure whole: p4d.24xlarge's 21.957642 / 8 is 2.74470525, not 2.74; Modal's 0.001097 USD/s
    is 3.9492/h, not 3.95. A rounded rent is off by up to $3.65 a GPU-month."""
    rounded = []
    for gpu in CAT.gpus.values():
        for price in gpu.prices:
            near = [f for f in _exact_figures(price) if abs(f - price.usd_per_gpu_hour) < 0.01 * f]
            if near and not any(abs(f - price.usd_per_gpu_hour) < 1e-9 for f in near):
                rounded.append((gpu.id, price.provider, price.usd_per_gpu_hour, near))
    assert rounded == []


def test_a_fine_tuning_offers_date_is_one_its_record_states() -> None:
    """``checked`` is when the source observed the figures, so the record says where that
    date comes from: OpenAI's and Together's offers had been dated 2026-11-28, the day the
    catalog was written, though REFERENCES.md gives their figures with no day at all."""
    for offer in CAT.finetunes.values():
        said = " ".join(
            t or "" for t in (offer.note, offer.source, offer.recheck, offer.dedicated_source)
        )
        assert offer.checked.isoformat() in said, (offer.id, offer.checked)
