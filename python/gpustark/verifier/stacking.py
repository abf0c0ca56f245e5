"""Verifying the stacked opening reduction (PROTOCOL 10; Fiat-Shamir steps 15-19).

The claims (t_j, t_rot_j) about trace columns at r become claims q^_c(u) about the stacked
columns at a fresh point u; the verifier evaluates every slot's kernel K_j(u) in closed form.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from ..ext import Ext, P
from ..layout import Slot
from ..poly import eq, eq_uni, horner, l1_uni
from .errors import VerificationError
from .native import ef_array, ef_scalar, kernels, observe_all, observe_ext, sample_ext, sumcheck_rounds, to_ext

__all__ = ["verify_stacked_reduction"]

_TWO_ADIC = [1, 2013265920, 1728404513, 1592366214, 196396260, 760005850, 1721589904, 397765732, 1732600167,
             1753498361, 341742893, 1340477990, 1282623253, 298008106, 1657000625, 2009781145, 1421947380,
             1286330022, 1559589183, 1049899240, 195061667, 414040701, 570250684, 1267047229, 1003846038,
             1149491290, 975630072, 440564289]


def two_adic_generator(log_order: int) -> int:
    """Plonky3's generator of the subgroup of order 2^log_order (PROTOCOL 2.1)."""
    return _TWO_ADIC[log_order]


def proof_field(proof, name: str):
    """A proof field from a dict (the prover's output) or a dataclass (gpustark.proof)."""
    return proof[name] if isinstance(proof, Mapping) else getattr(proof, name)


def _ext(value) -> Ext:
    if isinstance(value, Ext):
        return value
    if isinstance(value, (int, np.integer)):
        limbs = [int(value), 0, 0, 0]
    else:
        limbs = [int(v) for v in value]
    if len(limbs) != 4 or not all(0 <= v < P for v in limbs):
        raise ValueError("expected 4 canonical limbs")
    return Ext(*limbs)


def ext_list(values, check: str, what: str, length: int | None = None) -> list[Ext]:
    """EF elements from an (n, 4) array or a sequence of 4-limb values; shape errors name `check`."""
    if isinstance(values, np.ndarray) and values.ndim == 2 and values.shape[1] == 4 and values.dtype.kind in "ui":
        # The codec's arrays: one range check for all of them instead of one per element.
        if values.size and (values.min() < 0 or values.max() >= P):
            raise VerificationError(check, f"{what}: expected canonical extension elements")
        values = [Ext(*row) for row in values.tolist()]
    try:
        items = [_ext(v) for v in values]
    except (TypeError, ValueError) as exc:
        raise VerificationError(check, f"{what}: expected canonical extension elements") from exc
    if length is not None and len(items) != length:
        raise VerificationError(check, f"{what}: expected {length} elements, found {len(items)}")
    return items


def as_transcript(transcript):
    """The gpustark.Transcript wrapper (a native transcript is wrapped, sharing its state)."""
    from ..transcript import Transcript

    return transcript if isinstance(transcript, Transcript) else Transcript(transcript)


observe, sample = observe_ext, sample_ext


def _quadratic_at(e0: Ext, e1: Ext, e2: Ext, x: Ext) -> Ext:
    """The quadratic through (0, e0), (1, e1), (2, e2) at x."""
    half = (P + 1) // 2
    s1, s2 = e1 - e0, e2 - e1
    p = (s2 - s1) * half
    q = s1 - p
    return (p * x + q) * x + e0


def _eq_rot_cube(x: Sequence[Ext], y: Sequence[Ext]) -> tuple[Ext, Ext]:
    """(eq(x, y), rot(x, y)) with rot the MLE of [x = y + 1 mod 2^n], innermost variable first."""
    rot, e = Ext(1), Ext(1)
    for xi, yi in zip(reversed(x), reversed(y)):
        rot = xi * (1 - yi) * e + (1 - xi) * yi * rot
        e = e * (xi * yi + (1 - xi) * (1 - yi))
    return e, rot


def _slot_kernel(l_skip: int, n_stack: int, slot, need_rot: bool, u: list[Ext], r: list[Ext],
                 lambda_eq: Ext, lam: Ext) -> Ext:
    """K_j(u) for one slot (PROTOCOL 10 step 2): the batched eq / rotation kernel at the slot's own
    coordinates, times eq(u_{>n~}, b_j) and the short-trace indicator In_n(u_0)."""
    n = slot.log_h - l_skip
    n_lift = max(n, 0)
    bits = [Ext((slot.row_idx >> j) & 1) for j in range(l_skip + n_lift, l_skip + n_stack)]
    eq_b = eq(u[n_lift + 1:], bits)
    if n < 0:
        l, r_n = l_skip + n, [r[0] ** (1 << -n)]
        ind = l1_uni(-n, u[0] ** (1 << l))
    else:
        l, r_n = l_skip, r[:n_lift + 1]
        ind = Ext(1)
    omega = two_adic_generator(l)
    batched = lambda_eq * eq_uni(l, u[0], r_n[0]) * eq(u[1:n_lift + 1], r_n[1:])
    if need_rot:
        e, rot = _eq_rot_cube(u[1:n_lift + 1], r_n[1:])
        kappa = eq_uni(l, u[0], r_n[0] * omega) * e + l1_uni(l, u[0]) * l1_uni(l, r_n[0] * omega) * (rot - e)
        batched = batched + lambda_eq * lam * kappa
    return eq_b * batched * ind


def check_stacking_shape(proof, layouts, params):
    """The StackingProof's lengths against the layouts (PROTOCOL 13 step 2); returns its fields as
    Ext values: (round-0 coefficients, round polynomials, openings per commit)."""
    n_uni, n_stack = 1 << params.l_skip, params.n_stack
    coeffs = ext_list(proof_field(proof, "univariate_round_coeffs"), "stacking_shape", "univariate_round_coeffs",
                      2 * (n_uni - 1) + 1)
    rounds_raw = proof_field(proof, "sumcheck_round_polys")
    if len(rounds_raw) != n_stack:
        raise VerificationError("stacking_shape", f"expected {n_stack} sumcheck rounds, found {len(rounds_raw)}")
    rounds = [ext_list(pair, "stacking_shape", f"sumcheck_round_polys[{i}]", 2) for i, pair in enumerate(rounds_raw)]
    openings_raw = proof_field(proof, "stacking_openings")
    if len(openings_raw) != len(layouts):
        raise VerificationError("stacking_shape", f"stacking openings for {len(openings_raw)} commitments, "
                                                  f"expected {len(layouts)}")
    openings = [ext_list(o, "stacking_shape", f"stacking_openings[{c}]", width)
                for c, (o, (_, width)) in enumerate(zip(openings_raw, layouts))]
    if sum(width for _, width in layouts) > params.w_stack:
        raise VerificationError("stacking_shape", f"total stacked width exceeds w_stack = {params.w_stack}")
    return coeffs, rounds, openings


def _claims_array(claims, c: int) -> np.ndarray:
    """One commit's claims, per slot (t, t_rot), as a canonical (slots, 2, 4) array."""
    count = len(claims)
    if not isinstance(claims, np.ndarray):
        claims = [[v.c if isinstance(v, Ext) else v for v in pair] for pair in claims]
    try:
        array = np.asarray(claims, dtype=np.int64).reshape(count, 2, 4)
    except (TypeError, ValueError, OverflowError) as exc:
        raise VerificationError("stacking_shape", f"claims[{c}]: expected (t, t_rot) extension-element pairs") from exc
    if array.size and (array.min() < 0 or array.max() >= P):
        raise VerificationError("stacking_shape", f"claims[{c}]: expected canonical extension elements")
    return array.astype(np.uint32)


def _slots_array(slots, c: int) -> np.ndarray:
    """A commit's slots (Slot tuples, or already an array) as a (num_slots, 5) uint32 array."""
    if isinstance(slots, np.ndarray) and slots.dtype == np.uint32 and slots.ndim == 2 and slots.shape[1] == 5:
        return np.ascontiguousarray(slots)
    try:
        array = np.array([tuple(s) for s in slots], dtype=np.int64).reshape(-1, 5)
    except (TypeError, ValueError, OverflowError) as exc:
        raise VerificationError("stacking_shape", f"layouts[{c}]: expected slots of 5 integers") from exc
    if array.size and (array.min() < 0 or array.max() >= 1 << 32):
        raise VerificationError("stacking_shape", f"layouts[{c}]: slot fields out of range")
    return array.astype(np.uint32)


def verify_stacked_reduction(transcript, layouts, claims, need_rot, r, params, proof, native: bool = True) -> list[Ext]:
    """Check a StackingProof; returns u = (u_0, u_1..u_n_stack).

    transcript  gpustark.Transcript after the column openings were observed (step 14)
    layouts     per commit, (slots, width) as from gpustark.layout.stacked_layout (slots may also be
                a (num_slots, 5) array of Slot's fields)
    claims      per commit, per slot in layout order: (t, t_rot), t_rot = 0 without rotation
    need_rot    per commit, per matrix of that commit: the owning AIR's rotation flag
    r           the batch-constraint point (r_0, r_1..), at least max(n_j, 0) + 1 entries
    proof       StackingProof fields (dict or dataclass)
    native      False: the batched claims and the slot kernels in Python (the reference)
    Raises VerificationError('stacking_shape' | 'stacking_s0_sum' | 'stacking_final_sum', ...).
    """
    transcript = as_transcript(transcript)
    l_skip, n_stack = params.l_skip, params.n_stack
    n_uni = 1 << l_skip
    # ---- shape ----
    if not len(layouts) == len(claims) == len(need_rot):
        raise VerificationError("stacking_shape", f"{len(layouts)} layouts, {len(claims)} claim lists and "
                                                  f"{len(need_rot)} need_rot lists")
    coeffs, rounds, openings = check_stacking_shape(proof, layouts, params)
    if native:  # each commit's slots as one (num_slots, 5) array, Slot's fields in order
        layouts = [(_slots_array(slots, c), int(width)) for c, (slots, width) in enumerate(layouts)]
    else:
        layouts = [([Slot(*(int(v) for v in s)) for s in slots], int(width)) for slots, width in layouts]
    slot_claims = []
    for c, ((slots, _), cl, flags) in enumerate(zip(layouts, claims, need_rot)):
        if len(cl) != len(slots):
            raise VerificationError("stacking_shape", f"commit {c}: {len(cl)} claims for {len(slots)} slots")
        if native:
            if len(slots) and int(slots[:, 0].max()) >= len(flags):
                raise VerificationError("stacking_shape", f"commit {c}: need_rot has {len(flags)} flags")
            slot_claims.append(_claims_array(cl, c))
        else:
            if any(s.matrix >= len(flags) for s in slots):
                raise VerificationError("stacking_shape", f"commit {c}: need_rot has {len(flags)} flags")
            slot_claims.append([ext_list(pair, "stacking_shape", f"claims[{c}]", 2) for pair in cl])
    if native:
        n_max = max((max(int(slots[:, 4].max()) - l_skip, 0) for slots, _ in layouts if len(slots)), default=0)
    else:
        n_max = max((max(s.log_h - l_skip, 0) for slots, _ in layouts for s in slots), default=0)
    r = ext_list(r, "stacking_shape", "r")
    if len(r) < n_max + 1:
        raise VerificationError("stacking_shape", f"r has {len(r)} entries, expected at least {n_max + 1}")

    # ---- algebra, in OpenVM's order ----
    lam = sample(transcript)
    lam_sq = lam * lam
    if native:  # sum_j lam^(2j) t_j + lam^(2j+1) t_rot_j over every slot of every commit
        flat = np.concatenate([cl.reshape(-1, 4) for cl in slot_claims])
        target = to_ext(kernels.ef_dot(kernels.ef_powers(ef_scalar(lam), len(flat)), flat))
    else:
        target, power = Ext(0), Ext(1)
        for cl in slot_claims:
            for t, t_rot in cl:
                target = target + power * (t + lam * t_rot)
                power = power * lam_sq
    # Sum of s_0 over D: N times the coefficients of degree divisible by N.
    s0_sum = Ext(0)
    for c in coeffs[::n_uni]:
        s0_sum = s0_sum + c
    if s0_sum * n_uni != target:
        raise VerificationError("stacking_s0_sum", "the univariate round does not sum to the batched claims")
    observe_all(transcript, coeffs)
    u = [sample(transcript)]
    claim = to_ext(kernels.horner(ef_array(coeffs), ef_scalar(u[0]))) if native else horner(coeffs, u[0])
    if native:
        claim, challenges = sumcheck_rounds(transcript, claim, rounds, "stacking_shape", "sumcheck_round_polys")
        u.extend(challenges)
    else:
        for s1, s2 in rounds:
            observe(transcript, s1)
            observe(transcript, s2)
            u.append(sample(transcript))
            claim = _quadratic_at(claim - s1, s1, s2, u[-1])

    final, power = Ext(0), Ext(1)
    for (slots, _), flags, opening in zip(layouts, need_rot, openings):
        if native:
            column_kernel = kernels.stacking_kernels(
                l_skip, n_stack, slots, [bool(f) for f in flags],
                ef_array(u), ef_array(r), ef_scalar(lam), ef_scalar(power), len(opening))
            power = power * (lam_sq ** len(slots))
            observe_all(transcript, opening)
            final = final + to_ext(kernels.ef_dot(ef_array(opening), column_kernel))
            continue
        column_kernel = [Ext(0)] * len(opening)
        for s in slots:
            column_kernel[s.stacked_col] += _slot_kernel(l_skip, n_stack, s, bool(flags[s.matrix]), u, r, power, lam)
            power = power * lam_sq
        for q, k in zip(opening, column_kernel):
            observe(transcript, q)
            final = final + q * k
    if final != claim:
        raise VerificationError("stacking_final_sum", "s_n(u_n) differs from the kernel-weighted stacking openings")
    return u
