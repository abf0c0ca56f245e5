"""Encoding: one function per upstream `Encode` impl (`proof.rs`), writing exactly its bytes."""
from __future__ import annotations

import numpy as np

from .types import (CODEC_VERSION, DIGEST_WIDTH, EXT_DEGREE, BatchConstraintProof, GkrProof, Proof,
                    StackingProof, TraceVData, WhirProof)
from .wire import Writer, k_whir_of, sequence


def proof_to_bytes(proof: Proof) -> bytes:
    """``Proof::encode``; raises ProofFormatError where the shapes would not decode back."""
    writer = Writer()
    _encode_proof(writer, proof)
    return writer.getvalue()


def _encode_proof(w: Writer, proof: Proof) -> None:
    """version, commit, num_airs, presence bitmap, present vdata, public values, sub-proofs."""
    w.u32("version", CODEC_VERSION)
    w.elements("common_main_commit", proof.common_main_commit, (DIGEST_WIDTH,))

    vdata = sequence(w, "trace_vdata", proof.trace_vdata)
    w.u32("trace_vdata (num_airs)", len(vdata))
    # Bit i of byte j says whether AIR 8j+i is present; the last byte's unused bits stay 0.
    present = np.array([v is not None for v in vdata], dtype=np.uint8)
    w.raw(np.packbits(present, bitorder="little").tobytes())
    for air, v in enumerate(vdata):
        if v is not None:
            _encode_trace_vdata(w, f"trace_vdata[{air}]", v)

    public_values = sequence(w, "public_values", proof.public_values)
    w.u32("public_values (length)", len(public_values))
    for air, values in enumerate(public_values):
        w.base_field_vec(f"public_values[{air}]", values)

    _encode_gkr(w, proof.gkr_proof)
    _encode_batch(w, proof.batch_constraint_proof)
    _encode_stacking(w, proof.stacking_proof)
    _encode_whir(w, proof.whir_proof)


def _encode_trace_vdata(w: Writer, name: str, vdata: TraceVData) -> None:
    w.u32(f"{name}.log_height", vdata.log_height)
    w.digest_vec(f"{name}.cached_commitments", vdata.cached_commitments)


def _encode_gkr(w: Writer, gkr: GkrProof) -> None:
    """Only the layer count J is written: the J-1 sumcheck polynomials have lengths 1..J-1."""
    name = "gkr_proof"
    w.base_field(f"{name}.logup_pow_witness", gkr.logup_pow_witness)
    w.elements(f"{name}.q0_claim", gkr.q0_claim, (EXT_DEGREE,))
    claims = w.array(f"{name}.claims_per_layer", gkr.claims_per_layer, (None, 4, EXT_DEGREE))
    w.u32(f"{name}.claims_per_layer", claims.shape[0])
    w.put(claims)
    polys = sequence(w, f"{name}.sumcheck_polys", gkr.sumcheck_polys)
    num_layers = claims.shape[0]
    if len(polys) != max(num_layers - 1, 0):
        raise w.error(f"{name}.sumcheck_polys",
                      f"expected {max(num_layers - 1, 0)} polynomials for {num_layers} layers, found {len(polys)}")
    for i, poly in enumerate(polys):
        w.elements(f"{name}.sumcheck_polys[{i}]", poly, (i + 1, 3, EXT_DEGREE))


def _encode_batch(w: Writer, batch: BatchConstraintProof) -> None:
    """The number of present AIRs N is written once (numerator length) and reused for the
    denominators and the column openings; d+1 is written once for all sumcheck rounds."""
    name = "batch_constraint_proof"
    numerators = w.extension_field_vec(f"{name}.numerator_term_per_air", batch.numerator_term_per_air)
    num_present = numerators.shape[0]
    w.elements(f"{name}.denominator_term_per_air", batch.denominator_term_per_air, (num_present, EXT_DEGREE))
    w.extension_field_vec(f"{name}.univariate_round_coeffs", batch.univariate_round_coeffs)

    rounds = w.array(f"{name}.sumcheck_round_polys", batch.sumcheck_round_polys, (None, None, EXT_DEGREE))
    w.u32(f"{name}.sumcheck_round_polys (n_max)", rounds.shape[0])
    if rounds.shape[0] > 0:  # no rounds: d+1 is not written either
        w.u32(f"{name}.sumcheck_round_polys (d+1)", rounds.shape[1])
        w.put(rounds)

    openings = sequence(w, f"{name}.column_openings", batch.column_openings)
    if len(openings) != num_present:
        raise w.error(f"{name}.column_openings",
                      f"expected one entry per present AIR ({num_present}), found {len(openings)}")
    for t, parts in enumerate(openings):
        parts = sequence(w, f"{name}.column_openings[{t}]", parts)
        w.u32(f"{name}.column_openings[{t}] (number of parts)", len(parts))
        for j, part in enumerate(parts):
            w.extension_field_vec(f"{name}.column_openings[{t}][{j}]", part)


def _encode_stacking(w: Writer, stacking: StackingProof) -> None:
    name = "stacking_proof"
    w.extension_field_vec(f"{name}.univariate_round_coeffs", stacking.univariate_round_coeffs)
    rounds = w.array(f"{name}.sumcheck_round_polys", stacking.sumcheck_round_polys, (None, 2, EXT_DEGREE))
    w.u32(f"{name}.sumcheck_round_polys", rounds.shape[0])
    w.put(rounds)
    openings = sequence(w, f"{name}.stacking_openings", stacking.stacking_openings)
    w.u32(f"{name}.stacking_openings", len(openings))
    for c, opening in enumerate(openings):
        w.extension_field_vec(f"{name}.stacking_openings[{c}]", opening)


def _encode_whir(w: Writer, whir: WhirProof) -> None:
    """Written lengths: R*k (sumcheck polys), R-1 (codeword commits), the number of commits, the
    initial query count Q0 and, if Q0 > 0, one Merkle depth and each commit's width; then each
    later round's query count and the first later round's Merkle depth (each round after it is
    one shallower). Everything else is derived: k = (R*k)/R, 2^k rows per query, and so on."""
    name = "whir_proof"
    w.base_field(f"{name}.mu_pow_witness", whir.mu_pow_witness)
    polys = w.array(f"{name}.whir_sumcheck_polys", whir.whir_sumcheck_polys, (None, 2, EXT_DEGREE))
    w.u32(f"{name}.whir_sumcheck_polys", polys.shape[0])
    w.put(polys)
    num_sumcheck_rounds = polys.shape[0]

    commits = w.digest_vec(f"{name}.codeword_commits", whir.codeword_commits)
    num_rounds = commits.shape[0] + 1
    k_whir = k_whir_of(w.error, name, num_sumcheck_rounds, num_rounds)
    rows_per_query = 1 << k_whir
    w.elements(f"{name}.ood_values", whir.ood_values, (num_rounds - 1, EXT_DEGREE))
    w.base_field_n(f"{name}.folding_pow_witnesses", whir.folding_pow_witnesses, num_sumcheck_rounds)
    w.base_field_n(f"{name}.query_phase_pow_witnesses", whir.query_phase_pow_witnesses, num_rounds)

    num_queries = _encode_whir_initial_round(w, whir, rows_per_query)

    values_name = f"{name}.codeword_opened_values"
    values = sequence(w, values_name, whir.codeword_opened_values)
    if len(values) != num_rounds - 1:
        raise w.error(values_name, f"expected {num_rounds - 1} rounds, found {len(values)}")
    round_queries = []
    for i, round_values in enumerate(values):
        array = w.array(f"{values_name}[{i}]", round_values, (None, rows_per_query, EXT_DEGREE))
        w.u32(f"{values_name}[{i}] (number of queries)", array.shape[0])
        w.put(array)
        round_queries.append(array.shape[0])

    proofs_name = f"{name}.codeword_merkle_proofs"
    proofs = sequence(w, proofs_name, whir.codeword_merkle_proofs)
    if len(proofs) != num_rounds - 1:
        raise w.error(proofs_name, f"expected {num_rounds - 1} rounds, found {len(proofs)}")
    arrays = [w.array(f"{proofs_name}[{i}]", p, (q, None, DIGEST_WIDTH))
              for i, (p, q) in enumerate(zip(proofs, round_queries))]
    # Upstream writes the first later round's depth only when that round exists and the initial
    # round had queries; otherwise 0 (and then a later round's paths must be empty: depth 0 - i).
    first_depth = arrays[0].shape[1] if num_rounds > 1 and num_queries > 0 else 0
    w.u32(f"{proofs_name} (first Merkle depth)", first_depth)
    for i, array in enumerate(arrays):
        if array.shape[0] > 0 and array.shape[1] != first_depth - i:
            raise w.error(f"{proofs_name}[{i}]", f"expected Merkle depth {first_depth - i} "
                                                 f"(one less per round), found {array.shape[1]}")
        w.put(array)

    w.extension_field_vec(f"{name}.final_poly", whir.final_poly)


def _encode_whir_initial_round(w: Writer, whir: WhirProof, rows_per_query: int) -> int:
    """num_commits, Q0, then (if Q0 > 0) depth, widths, all rows, all paths. Returns Q0."""
    rows_name = "whir_proof.initial_round_opened_rows"
    paths_name = "whir_proof.initial_round_merkle_proofs"
    rows = sequence(w, rows_name, whir.initial_round_opened_rows)
    if not rows:
        raise w.error(rows_name, "there must be at least one commit")
    row_arrays = [w.array(f"{rows_name}[{c}]", r, (None, rows_per_query, None)) for c, r in enumerate(rows)]
    num_queries = row_arrays[0].shape[0]
    for c, array in enumerate(row_arrays):
        if array.shape[0] != num_queries:
            raise w.error(f"{rows_name}[{c}]", f"expected {num_queries} queries (as commit 0), found {array.shape[0]}")
    paths = sequence(w, paths_name, whir.initial_round_merkle_proofs)
    if len(paths) != len(rows):
        raise w.error(paths_name, f"expected one entry per commit ({len(rows)}), found {len(paths)}")
    path_arrays = [w.array(f"{paths_name}[{c}]", p, (num_queries, None, DIGEST_WIDTH)) for c, p in enumerate(paths)]

    w.u32(f"{rows_name} (number of commits)", len(rows))
    w.u32(f"{rows_name} (number of queries)", num_queries)
    if num_queries == 0:
        return 0  # widths and depth are not written; the decoder takes them as 0
    depth = path_arrays[0].shape[1]
    for c, array in enumerate(path_arrays):
        if array.shape[1] != depth:
            raise w.error(f"{paths_name}[{c}]", f"expected Merkle depth {depth} (as commit 0), found {array.shape[1]}")
    w.u32(f"{paths_name} (Merkle depth)", depth)
    for c, array in enumerate(row_arrays):
        w.u32(f"{rows_name}[{c}] (width)", array.shape[2])
    for array in row_arrays:
        w.put(array)
    for array in path_arrays:
        w.put(array)
    return num_queries

