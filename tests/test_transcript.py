"""The duplex sponge against a naive model, and proof-of-work grinding."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gpustark

import naive

P = gpustark.field.P

operations = st.lists(
    st.one_of(st.tuples(st.just("observe"), st.integers(0, P - 1)), st.tuples(st.just("sample"), st.just(0))),
    max_size=40,
)


@given(operations)
@settings(max_examples=60, deadline=None)
def test_sponge_matches_naive_model(ops):
    t, model = gpustark.Transcript(), naive.Sponge()
    for op, value in ops:
        if op == "observe":
            t.observe(value)
            model.observe(value)
        else:
            assert t.sample() == model.sample()
    assert t.state == model.state


def test_ext_and_digest_are_limbs_in_order():
    a, b = gpustark.Transcript(), gpustark.Transcript()
    a.observe_ext([1, 2, 3, 4])
    a.observe_digest(np.arange(8, dtype=np.uint32))
    for x in [1, 2, 3, 4, *range(8)]:
        b.observe(x)
    assert a.sample_ext() == [b.sample() for _ in range(4)]


def test_sample_bits_masks_one_sample():
    a, b = gpustark.Transcript(), gpustark.Transcript()
    assert a.sample_bits(10) == b.sample() & 1023
    assert a.sample() == b.sample()


def test_check_witness_with_zero_bits_touches_nothing():
    t, untouched = gpustark.Transcript(), gpustark.Transcript()
    t.observe(7)
    untouched.observe(7)
    assert t.check_witness(0, 123)
    assert t.state == untouched.state
    assert t.sample() == untouched.sample()  # the absorb position did not move either


@pytest.mark.parametrize("prefix", [[], [1], [1, 2, 3, 4, 5, 6, 7], list(range(8)), list(range(13))])
@pytest.mark.parametrize("bits", [1, 4, 8])
def test_grind_returns_the_smallest_witness(backend, prefix, bits):
    t = gpustark.Transcript()
    t.observe_many(prefix)
    reference = t.copy()
    witness = t.grind(bits, backend=backend)
    for smaller in range(witness):
        probe = reference.copy()
        assert not probe.check_witness(bits, smaller), f"{smaller} < {witness} also passes"
    probe = reference.copy()
    assert probe.check_witness(bits, witness)
    assert t.state == probe.state  # grind applied the check to the real transcript


def test_grind_matches_naive_sponge(backend):
    t, model = gpustark.Transcript(), naive.Sponge()
    for x in (5, 6, 7):
        t.observe(x)
        model.observe(x)
    witness = t.grind(6, backend=backend)
    assert model.check_witness(6, witness)
    assert t.sample() == model.sample()


def test_grind_zero_bits_is_a_no_op(backend):
    t = gpustark.Transcript()
    assert t.grind(0, backend=backend) == 0
    assert t.state == [0] * 16


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda t: t.observe(P), r"\[0, 2013265921\), found 2013265921"),
        (lambda t: t.observe(-1), "found -1"),
        (lambda t: t.observe(1.5), "expected an integer, found float"),
        (lambda t: t.sample_bits(31), r"\[0, 31\), found 31"),
        (lambda t: t.grind(31), r"\[0, 31\), found 31"),
        (lambda t: t.observe_ext([1, 2, 3]), "last axis of size 4"),
        (lambda t: t.observe_digest(list(range(7))), "last axis of size 8"),
        (lambda t: t.grind(1, backend="nope"), "'nope' is not available"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call(gpustark.Transcript())


@pytest.mark.parametrize("bits, on_device", [(5, False), (6, False), (7, True)])
def test_a_gpu_grinds_few_bits_on_the_host(backend, bits, on_device):
    """A GPU backend scans a grind of at most 6 bits (64 expected permutations) on the host, with
    no kernel and no wait; more bits go to the device. The witness is the smallest either way."""
    if backend not in ("cuda", "metal"):
        pytest.skip(f"where a GPU backend grinds; this run's backend is {backend} (run with --backend metal or cuda)")
    from gpustark import spans

    t = gpustark.Transcript()
    t.observe_many([3, 1, 4])
    reference = t.copy()
    with spans.record() as recorded, spans.span("grind_here"):
        witness = t.grind(bits, backend=backend)
    counters = next(s for s in recorded if s.name == "grind_here").counters
    assert (counters.get("kernel_count", 0) > 0) == on_device, counters
    assert witness == reference.grind(bits, backend="cpu")
