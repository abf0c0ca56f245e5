"""The stacked polynomial commitment on the prover side (PROTOCOL 6, 10, 11).

    stacked_commit           stack traces, eval-to-coeff RS encode, grouped Merkle commit (6)
    column_openings          PLE evaluations of trace columns (and their rotations) at r (5)
    prove_stacked_reduction  Fiat-Shamir steps 15-19: claims at r -> stacked openings at u (10)
    prove_whir               Fiat-Shamir steps 20-21: the WHIR opening of every commitment at u (11)
    prove_openings           both, in order: steps 15-21

Extension-field values are uint32 arrays of 4 canonical limbs: a scalar is (4,), a vector (n, 4)
and a vector of pairs (n, 2, 4). Proofs are dicts keyed by OpenVM's field names (StackingProof,
WhirProof); gpustark.verifier.stacking / .whir check them.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from . import _native
from ._backend import resolve
from ._checks import field_array, power_of_two
from .params import SystemParams

__all__ = ["StackedPcsData", "stacked_commit", "column_openings", "u_cube", "prove_stacked_reduction", "prove_whir",
           "prove_openings"]

StackedPcsData = _native.StackedPcsData


def _native_transcript(transcript):
    """gpustark.Transcript or the native object it wraps; the caller's transcript advances."""
    native = getattr(transcript, "_t", transcript)
    if not isinstance(native, _native.Transcript):
        raise ValueError(f"transcript: expected a gpustark.Transcript, found {type(transcript).__name__}")
    return native


def _ext_vector(value, name: str) -> np.ndarray:
    array = field_array(value, name)
    if array.ndim == 1 and array.shape[0] == 4:
        array = array.reshape(1, 4)
    if array.ndim != 2 or array.shape[1] != 4:
        raise ValueError(f"{name}: expected an (n, 4) array of extension elements, found shape {array.shape}")
    return np.ascontiguousarray(array)


def _matrix(value, name: str, range_checked: bool) -> np.ndarray:
    """A (h, w) uint32 trace; its values are scanned for < p unless range_checked."""
    if not range_checked:
        return field_array(value, name, ndim=2)
    if not isinstance(value, np.ndarray) or value.dtype != np.uint32 or value.ndim != 2:
        raise ValueError(f"{name}: expected a 2-d uint32 array, found "
                         f"{getattr(value, 'dtype', type(value).__name__)} of shape {getattr(value, 'shape', None)}")
    return np.ascontiguousarray(value)


def stacked_commit(matrices: Sequence, params: SystemParams, backend: str | None = None, *,
                   range_checked: bool = False) -> StackedPcsData:
    """Commit to row-major (h, w) uint32 traces sorted by descending height (PROTOCOL 6).

    Returns the native StackedPcsData: `.root` (8,), `.layout` (slots), `.width`, and copies of the
    stacked `.matrix`, the RS `.message` and the `.codeword`. range_checked: the values are known
    to be < p (the prover checked the witness), so they are not scanned again.
    """
    arrays = [_matrix(m, f"matrices[{i}]", range_checked) for i, m in enumerate(matrices)]
    if not arrays:
        raise ValueError("matrices: expected at least one trace")
    log_heights = [power_of_two(a.shape[0], f"matrices[{i}]: number of rows") for i, a in enumerate(arrays)]
    if any(b > a for a, b in zip(log_heights, log_heights[1:])):
        raise ValueError(f"matrices: expected descending heights, found log heights {log_heights}")
    if max(log_heights) > params.log_stacked_height:
        raise ValueError(f"matrices: a trace of height 2^{max(log_heights)} exceeds the stacked height "
                         f"2^{params.log_stacked_height}")
    if sum(a.shape[1] for a in arrays) == 0:
        raise ValueError("matrices: the traces have no columns")
    return _native.stacked_commit(arrays, params.l_skip, params.n_stack, params.log_blowup, params.whir.k,
                                  resolve(backend), range_checked=range_checked)


def column_openings(matrix, r, l_skip: int, need_rot: bool) -> np.ndarray:
    """(width, 2, 4): per column the PLE at r = (r_0, r_1, ..) and, if need_rot, the rotated
    column's PLE (T_rot[i] = T[i+1 mod h]); 0 otherwise. Short traces are lifted (PROTOCOL 5.2)."""
    matrix = field_array(matrix, "matrix", ndim=2)
    power_of_two(matrix.shape[0], "matrix: number of rows")
    return _native.column_openings(matrix, _ext_vector(r, "r"), int(l_skip), bool(need_rot))


def u_cube(u, l_skip: int) -> np.ndarray:
    """(u_0, u_0^2, .., u_0^(2^(l_skip-1)), u_1, ..): the WHIR point of the stacking point u."""
    return _native.u_cube(_ext_vector(u, "u"), int(l_skip))


def prove_stacked_reduction(transcript, commits: Sequence[StackedPcsData], r, need_rot: Sequence[Sequence[bool]],
                            params: SystemParams, backend: str | None = None) -> tuple[dict, np.ndarray]:
    """Steps 15-19 of PROTOCOL 7 on `transcript`; returns (StackingProof fields, u (n_stack + 1, 4)).

    `commits` in commit order; need_rot[c][i] is the rotation flag of matrix i of commit c.
    The opening claims must already have been observed.
    """
    commits = list(commits)
    need_rot = [[bool(v) for v in flags] for flags in need_rot]
    if len(need_rot) != len(commits):
        raise ValueError(f"need_rot: expected one list per commitment ({len(commits)}), found {len(need_rot)}")
    return _native.prove_stacked_reduction(_native_transcript(transcript), commits, _ext_vector(r, "r"), need_rot,
                                           params.l_skip, params.n_stack, resolve(backend))


def prove_whir(transcript, commits: Sequence[StackedPcsData], u, params: SystemParams,
               backend: str | None = None) -> dict:
    """Steps 20-21 of PROTOCOL 7 at the stacking point u (n_stack + 1, 4); returns the WhirProof fields."""
    w = params.whir
    return _native.prove_whir(_native_transcript(transcript), list(commits), u_cube(u, params.l_skip), w.k,
                              list(w.num_queries), w.mu_pow_bits, w.folding_pow_bits, w.query_phase_pow_bits,
                              resolve(backend))


def prove_openings(transcript, commits: Sequence[StackedPcsData], r, need_rot: Sequence[Sequence[bool]],
                   params: SystemParams, backend: str | None = None) -> tuple[dict, dict]:
    """Steps 15-21: the stacked reduction at r, then WHIR at its point u.

    Returns (StackingProof fields, WhirProof fields); the claims at r must already be observed.
    """
    stacking, u = prove_stacked_reduction(transcript, commits, r, need_rot, params, backend=backend)
    return stacking, prove_whir(transcript, commits, u, params, backend=backend)
