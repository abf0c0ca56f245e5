"""metal/fraction_tree.metal on the lane emulator: LogUp-GKR layers (one, and a whole tree built
layer by layer as the host does) and a layer's split into the sumcheck tables p0, p1, q0, q1,
against models written from PROTOCOL 8.2 with numpy arithmetic ("reference") and with the CPU's
native field arithmetic ("cpu", gpustark.field). Sizes include no node, one node, counts that
are not powers of two, and grids capped below the node count."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "msl"))
from ef_reference import random_ext  # noqa: E402
from lane_tests import assert_words, emulator, field_ops, words  # noqa: E402

KINDS = ["reference", "cpu"]


@pytest.fixture(scope="session")
def emu(tmp_path_factory):
    return emulator(tmp_path_factory)


def layer_model(F, p, q):
    """Parent x = child 2x + child 2x + 1 as fractions: (p0 q1 + p1 q0, q0 q1)."""
    p0, p1, q0, q1 = p[0::2], p[1::2], q[0::2], q[1::2]
    return F.ext_add(F.ext_mul(p0, q1), F.ext_mul(p1, q0)), F.ext_mul(q0, q1)


@pytest.mark.parametrize("nodes,group,groups", [(0, 32, None), (1, 32, None), (3, 2, None), (5, 4, None),
                                                (33, 4, 2), (64, 32, None)])
@pytest.mark.parametrize("kind", KINDS)
def test_gkr_layer(emu, nodes, group, groups, kind):
    F = field_ops(kind)
    rng = np.random.default_rng(nodes + 7)
    p, q = random_ext(rng, 2 * nodes), random_ext(rng, 2 * nodes)
    out = emu.run("gkr_layer", nodes, data=words(p, q), group=group, groups=groups).reshape(2, nodes, 4)
    parent_p, parent_q = layer_model(F, p, q)
    assert_words(out[0], parent_p, f"gkr_layer p vs {kind}")
    assert_words(out[1], parent_q, f"gkr_layer q vs {kind}")


@pytest.mark.parametrize("log_leaves,group,groups", [(1, 32, None), (2, 1, None), (3, 3, None), (6, 5, 2)])
@pytest.mark.parametrize("kind", KINDS)
def test_gkr_tree(emu, log_leaves, group, groups, kind):
    F = field_ops(kind)
    rng = np.random.default_rng(log_leaves)
    p, q = random_ext(rng, 1 << log_leaves), random_ext(rng, 1 << log_leaves)
    out = emu.run("gkr_tree", log_leaves, data=words(p, q), group=group, groups=groups)
    layers = []
    while len(p) > 1:
        p, q = layer_model(F, p, q)
        layers.insert(0, np.stack([p, q]))  # root first
    assert_words(out, np.concatenate([layer.ravel() for layer in layers]), f"gkr_tree layers vs {kind}")


@pytest.mark.parametrize("half,group,groups", [(1, 32, None), (3, 2, None), (8, 3, None), (17, 4, 2)])
def test_gkr_split(emu, half, group, groups):
    rng = np.random.default_rng(half)
    p, q, eq = random_ext(rng, 2 * half), random_ext(rng, 2 * half), random_ext(rng, half)
    out = emu.run("gkr_split", half, data=words(p, q, eq), group=group, groups=groups).reshape(5, half, 4)
    expected = np.stack([p[0::2], p[1::2], q[0::2], q[1::2], eq])  # the eq table is left as the host wrote it
    assert_words(out, expected, "gkr_split tables")
