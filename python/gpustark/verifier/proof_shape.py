"""The proof-shape checks that come before any transcript work (PROTOCOL 13 step 2)."""
from __future__ import annotations

from ..keygen import VerifyingKey
from ..proof import Proof
from .errors import VerificationError


def check_trace_data(vk: VerifyingKey, proof: Proof) -> list[int | None]:
    """Per-AIR data against the vk; returns each AIR's log height (None if absent)."""
    params = vk.params
    num_airs = len(vk.per_air)
    if len(proof.trace_vdata) != num_airs:
        raise VerificationError("shape_trace_vdata", f"expected {num_airs} entries, found {len(proof.trace_vdata)}")
    if len(proof.public_values) != num_airs:
        raise VerificationError("shape_public_values", f"expected {num_airs} lists, found {len(proof.public_values)}")
    log_heights: list[int | None] = []
    for avk, vdata, pvs in zip(vk.per_air, proof.trace_vdata, proof.public_values):
        if vdata is None:
            if avk.is_required:
                raise VerificationError("shape_required_air", f"AIR '{avk.name}' is required but absent")
            if len(pvs):
                raise VerificationError("shape_public_values", f"absent AIR '{avk.name}' has public values")
            log_heights.append(None)
            continue
        if len(vdata.cached_commitments) != len(avk.width.cached_mains):
            raise VerificationError("shape_cached_commitments", f"AIR '{avk.name}': expected "
                                    f"{len(avk.width.cached_mains)}, found {len(vdata.cached_commitments)}")
        if vdata.log_height > params.l_skip + params.n_stack:
            raise VerificationError("shape_log_height", f"AIR '{avk.name}': log height {vdata.log_height} exceeds "
                                    f"l_skip + n_stack = {params.l_skip + params.n_stack}")
        if len(pvs) != avk.num_public_values:
            raise VerificationError("shape_public_values", f"AIR '{avk.name}': expected {avk.num_public_values} "
                                    f"public values, found {len(pvs)}")
        log_heights.append(int(vdata.log_height))
    if all(h is None for h in log_heights):
        raise VerificationError("shape_no_traces", "no trace is present")
    return log_heights
