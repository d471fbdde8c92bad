"""Device memory as the driver reports it: every packaged GPU gives ``memory_mib`` (what
nvidia-smi, rocm-smi or amd-smi print), so no card is sized from its datasheet's decimal GB,
which reads up to 7% less than an HBM or GDDR card holds; a record built elsewhere without
it (a device ``payback calibrate`` measured) takes ``memory_gb`` × 10^9."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payback import estimate_serving
from payback.catalog import Gpu, default_catalog
from payback.hardware.estimate import model_kv_bytes_per_token, weight_bytes
from payback.measure.devices import measured_spec

CAT = default_catalog()
MIB = 2**20


@pytest.mark.parametrize(
    ("gpu_id", "reported_bytes"),
    [  # the figure each record's source quotes, by hand
        # rocm-smi --showmeminfo vram: "VRAM Total Memory (B): 206141652992"; amd-smi 196592 MB
        ("mi300x", 206_141_652_992),
        # amd-smi Mem-Usage "283/262128 MB", in MiB: 262,128 x 1,048,576
        ("mi325x", 274_861_129_728),
        # nvidia-smi "32607MiB": 32,607 x 1,048,576
        ("rtx-5090", 34_190_917_632),
        # nvidia-smi "95830MiB": 95,830 x 1,048,576
        ("h100-nvl", 100_485_038_080),
        # nvidia-smi "97871MiB" (GH200 480GB, 96 GB HBM3): 97,871 x 1,048,576
        ("gh200", 102_625_181_696),
    ],
)
def test_the_driver_reported_bytes_of_the_gpus_that_lacked_them(
    gpu_id: str, reported_bytes: int
) -> None:
    gpu = CAT.gpu(gpu_id)
    assert gpu.memory_bytes == reported_bytes
    # 6.8% to 7.4% above the datasheet's decimal GB these records were sized from before
    assert 1.06 < gpu.memory_bytes / (gpu.memory_gb * 1e9) < 1.08


def test_every_packaged_gpu_gives_the_memory_its_driver_reports() -> None:
    missing = [g.id for g in CAT.gpus.values() if g.memory_mib is None]
    assert missing == []


def test_each_reported_figure_lies_between_the_datasheets_gb_and_gib() -> None:
    # A driver reports at least the decimal GB a datasheet names and at most as many GiB;
    # a figure outside (MB typed for MiB, another card's record) is a slip
    for gpu in CAT.gpus.values():
        assert gpu.memory_mib is not None, gpu.id
        low, high = gpu.memory_gb * 1e9, gpu.memory_gb * 2**30
        assert low <= gpu.memory_mib * MIB <= high, gpu.id


def test_each_memory_mib_names_where_it_was_read() -> None:
    # the records that came without it quote the driver's figure and where it was printed
    for gpu_id, quoted in [
        ("mi300x", "206141652992"),
        ("mi325x", "262128 MB"),
        ("rtx-5090", "32607MiB"),
        ("h100-nvl", "95830MiB"),
        ("gh200", "97871MiB"),
    ]:
        source = CAT.gpu(gpu_id).source
        assert "memory_mib from " in source, gpu_id
        assert quoted in source, gpu_id
        assert "memory_mib not given" not in source, gpu_id


def _gpu(memory_gb: float, memory_mib: int | None) -> Gpu:
    return Gpu(
        id="acme-x1",
        name="Acme X1",
        memory_gb=memory_gb,
        memory_mib=memory_mib,
        memory_bandwidth_gb_s=2000,
        bf16_tflops=500,
        source="inline test record",
        checked=dt.date(2026, 1, 1),
    )


@given(
    memory_gb=st.floats(1.0, 1024.0, allow_nan=False),
    memory_mib=st.none() | st.integers(1, 2**21),
)
def test_memory_bytes_is_the_drivers_mib_else_the_decimal_gb(
    memory_gb: float, memory_mib: int | None
) -> None:
    gpu = _gpu(memory_gb, memory_mib)
    expected = memory_mib * MIB if memory_mib is not None else memory_gb * 1e9
    assert gpu.memory_bytes == expected


def test_a_measured_device_keeps_the_bytes_it_measured() -> None:
    # the fallback's first user: calibrate records bytes / 1e9 and no memory_mib
    spec = measured_spec("cpu", "a CPU", 68_719_476_736.0, 1.0, 50.0)
    assert spec.memory_mib is None
    assert spec.memory_bytes == pytest.approx(68_719_476_736.0, rel=1e-15)


def test_llama_70b_on_an_mi300x_by_hand() -> None:
    # vLLM gives 0.9 of 206,141,652,992 B less 1.5 GB to the engine; 141.2 GB of BF16 weights
    # leave 42.8 GB of KV cache (30.1 GB from 192e9 B), 327,680 B a token (2 x 80 layers x 8
    # KV heads x 128 x 2 B): 118 sequences of 1,100 tokens (83 before)
    model = CAT.model("llama-3.1-70b")
    weights = weight_bytes(model, "bf16")
    free = 206_141_652_992 * 0.9 - 1.5e9 - weights
    assert free == pytest.approx(42.8e9, abs=0.05e9)
    per_token = model_kv_bytes_per_token(model, "bf16")
    assert per_token == 2 * 80 * 8 * 128 * 2 == 327_680
    est = estimate_serving(model, CAT.gpu("mi300x"), "bf16")
    assert est.kv_cache_gb == pytest.approx(free / 1e9, rel=1e-9)
    assert est.max_batch == int(free / per_token // 1_100) == 118


def test_llama_8b_on_an_rtx_5090_by_hand() -> None:
    # 0.9 x 34,190,917,632 B - 1.5 GB - 16.06 GB of BF16 weights = 13.2 GB (11.2 from 32e9 B);
    # 131,072 B a token: 91 sequences of 1,100 tokens (77 before)
    model = CAT.model("llama-3.1-8b")
    free = 34_190_917_632 * 0.9 - 1.5e9 - weight_bytes(model, "bf16")
    assert free == pytest.approx(13.2e9, abs=0.05e9)
    est = estimate_serving(model, CAT.gpu("rtx-5090"), "bf16")
    assert est.kv_cache_gb == pytest.approx(free / 1e9, rel=1e-9)
    assert est.max_batch == int(free / 131_072 // 1_100) == 91
