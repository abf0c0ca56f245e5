"""Decoding: one function per upstream `Decode` impl (`proof.rs`), plus the bounds that keep a
forged length from costing more than the input could fill."""
from __future__ import annotations

import numpy as np

from .types import (CODEC_VERSION, DIGEST_WIDTH, EXT_DEGREE, BatchConstraintProof, GkrProof, Proof,
                    StackingProof, TraceVData, WhirProof)
from .wire import WORD, Reader, k_whir_of


def proof_from_bytes(data: bytes) -> Proof:
    """``Proof::decode_from_bytes``: the whole input must be one proof, with no trailing bytes."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"Proof.from_bytes: expected bytes, found {type(data).__name__}")
    reader = Reader(bytes(data))
    proof = _decode_proof(reader)
    if reader.remaining:
        raise reader.error("proof", f"{reader.remaining} trailing bytes after the proof")
    return proof


def _decode_proof(r: Reader) -> Proof:
    version = r.u32("version")
    if version != CODEC_VERSION:
        raise r.error("version", f"expected CODEC_VERSION {CODEC_VERSION}, found {version}", 0)
    common_main_commit = r.digest("common_main_commit")
    trace_vdata = _decode_trace_vdata_list(r)

    num_pvs = r.length("public_values (length)", WORD)
    public_values = [r.base_field_vec(f"public_values[{air}]") for air in range(num_pvs)]

    return Proof(
        common_main_commit=common_main_commit,
        trace_vdata=trace_vdata,
        public_values=public_values,
        gkr_proof=_decode_gkr(r),
        batch_constraint_proof=_decode_batch(r),
        stacking_proof=_decode_stacking(r),
        whir_proof=_decode_whir(r),
    )


def _decode_trace_vdata_list(r: Reader) -> list:
    num_airs = r.u32("trace_vdata (num_airs)")
    bitmap_start = r.pos
    bitmap = r.raw("trace_vdata (presence bitmap)", (num_airs + 7) // 8)
    bits = np.unpackbits(np.frombuffer(bitmap, dtype=np.uint8), bitorder="little")
    if bits[num_airs:].any():
        # Upstream rejects set padding bits so that the encoding stays canonical.
        raise r.error("trace_vdata (presence bitmap)", "padding bits after the last AIR are set",
                      bitmap_start + num_airs // 8)
    trace_vdata: list = [None] * num_airs
    for air in np.flatnonzero(bits[:num_airs]).tolist():
        name = f"trace_vdata[{air}]"
        log_height = r.u32(f"{name}.log_height")
        trace_vdata[air] = TraceVData(log_height, r.digest_vec(f"{name}.cached_commitments"))
    return trace_vdata


def _decode_gkr(r: Reader) -> GkrProof:
    name = "gkr_proof"
    logup_pow_witness = r.base_field(f"{name}.logup_pow_witness")
    q0_claim = r.extension_field(f"{name}.q0_claim")
    num_layers = r.length(f"{name}.claims_per_layer", WORD * 4 * EXT_DEGREE)
    claims = r.elements(f"{name}.claims_per_layer", (num_layers, 4, EXT_DEGREE))
    num_polys = max(num_layers - 1, 0)
    needed = WORD * 3 * EXT_DEGREE * num_polys * (num_polys + 1) // 2
    if needed > r.remaining:
        raise r.error(f"{name}.sumcheck_polys", f"{num_layers} layers need {needed} bytes of sumcheck "
                                                f"polynomials but only {r.remaining} remain")
    polys = [r.elements(f"{name}.sumcheck_polys[{i}]", (i + 1, 3, EXT_DEGREE)) for i in range(num_polys)]
    return GkrProof(logup_pow_witness, q0_claim, claims, polys)


def _decode_batch(r: Reader) -> BatchConstraintProof:
    name = "batch_constraint_proof"
    numerators = r.extension_field_vec(f"{name}.numerator_term_per_air")
    num_present = numerators.shape[0]
    denominators = r.elements(f"{name}.denominator_term_per_air", (num_present, EXT_DEGREE))
    coeffs = r.extension_field_vec(f"{name}.univariate_round_coeffs")

    n_max = r.u32(f"{name}.sumcheck_round_polys (n_max)")
    degree_plus_one = r.u32(f"{name}.sumcheck_round_polys (d+1)") if n_max > 0 else 0
    rounds = r.elements(f"{name}.sumcheck_round_polys", (n_max, degree_plus_one, EXT_DEGREE))

    openings = []
    for t in range(num_present):
        num_parts = r.length(f"{name}.column_openings[{t}] (number of parts)", WORD)
        openings.append([r.extension_field_vec(f"{name}.column_openings[{t}][{j}]") for j in range(num_parts)])
    return BatchConstraintProof(numerators, denominators, coeffs, rounds, openings)


def _decode_stacking(r: Reader) -> StackingProof:
    name = "stacking_proof"
    coeffs = r.extension_field_vec(f"{name}.univariate_round_coeffs")
    num_rounds = r.length(f"{name}.sumcheck_round_polys", WORD * 2 * EXT_DEGREE)
    rounds = r.elements(f"{name}.sumcheck_round_polys", (num_rounds, 2, EXT_DEGREE))
    num_commits = r.length(f"{name}.stacking_openings", WORD)
    openings = [r.extension_field_vec(f"{name}.stacking_openings[{c}]") for c in range(num_commits)]
    return StackingProof(coeffs, rounds, openings)


def _decode_whir(r: Reader) -> WhirProof:
    name = "whir_proof"
    mu_pow_witness = r.base_field(f"{name}.mu_pow_witness")
    num_sumcheck_rounds = r.length(f"{name}.whir_sumcheck_polys", WORD * 2 * EXT_DEGREE)
    polys = r.elements(f"{name}.whir_sumcheck_polys", (num_sumcheck_rounds, 2, EXT_DEGREE))
    commits = r.digest_vec(f"{name}.codeword_commits")
    num_rounds = len(commits) + 1
    k_whir = k_whir_of(r.error, name, num_sumcheck_rounds, num_rounds)
    rows_per_query = 1 << k_whir
    ood_values = r.elements(f"{name}.ood_values", (num_rounds - 1, EXT_DEGREE))
    folding_pow = r.elements(f"{name}.folding_pow_witnesses", (num_sumcheck_rounds,)).tolist()
    query_pow = r.elements(f"{name}.query_phase_pow_witnesses", (num_rounds,)).tolist()

    num_queries, rows, paths = _decode_whir_initial_round(r, rows_per_query)

    values_name = f"{name}.codeword_opened_values"
    values = []
    for i in range(num_rounds - 1):
        round_queries = r.u32(f"{values_name}[{i}] (number of queries)")
        values.append(r.elements(f"{values_name}[{i}]", (round_queries, rows_per_query, EXT_DEGREE)))

    proofs_name = f"{name}.codeword_merkle_proofs"
    depth_pos = r.pos
    first_depth = r.u32(f"{proofs_name} (first Merkle depth)")
    if first_depth and (num_rounds == 1 or num_queries == 0):
        # Upstream's encoder writes 0 here in these cases; anything else would not re-encode the same.
        raise r.error(f"{proofs_name} (first Merkle depth)",
                      f"must be 0 when there is no later round or no initial query, found {first_depth}", depth_pos)
    proofs = []
    for i, round_values in enumerate(values):
        depth = first_depth - i  # each later round's tree is one level shallower
        round_queries = round_values.shape[0]
        if depth < 0 and round_queries > 0:
            raise r.error(f"{proofs_name}[{i}]", f"Merkle depth {first_depth} - {i} is negative", depth_pos)
        proofs.append(r.elements(f"{proofs_name}[{i}]", (round_queries, max(depth, 0), DIGEST_WIDTH)))

    final_poly = r.extension_field_vec(f"{name}.final_poly")
    return WhirProof(mu_pow_witness, polys, commits, ood_values, folding_pow, query_pow,
                     rows, paths, values, proofs, final_poly)


def _decode_whir_initial_round(r: Reader, rows_per_query: int) -> tuple[int, list, list]:
    rows_name = "whir_proof.initial_round_opened_rows"
    paths_name = "whir_proof.initial_round_merkle_proofs"
    commits_pos = r.pos
    num_commits = r.u32(f"{rows_name} (number of commits)")
    if num_commits == 0:
        raise r.error(f"{rows_name} (number of commits)", "must be nonzero", commits_pos)
    num_queries = r.u32(f"{rows_name} (number of queries)")
    if num_queries > 0:
        depth = r.u32(f"{paths_name} (Merkle depth)")
        if num_commits * WORD > r.remaining:
            raise r.error(f"{rows_name} (widths)", f"{num_commits} commits need {num_commits * WORD} bytes "
                                                   f"of widths but only {r.remaining} remain")
        widths = r.words(f"{rows_name} (widths)", (num_commits,)).tolist()
    else:
        # Nothing per commit follows, so upstream would loop num_commits times for free; bound the
        # count by the input size instead so a forged count cannot make us build billions of lists.
        if num_commits > r.remaining:
            raise r.error(f"{rows_name} (number of commits)",
                          f"{num_commits} commits without queries exceed the {r.remaining} bytes left", commits_pos)
        depth, widths = 0, [0] * num_commits
    rows = [r.elements(f"{rows_name}[{c}]", (num_queries, rows_per_query, width)) for c, width in enumerate(widths)]
    paths = [r.elements(f"{paths_name}[{c}]", (num_queries, depth, DIGEST_WIDTH)) for c in range(num_commits)]
    return num_queries, rows, paths

