// The WHIR opening (PROTOCOL 11; Fiat-Shamir steps 20-21 of PROTOCOL 7): proves that the batched
// RS messages of every committed stacked column, read as multilinear coefficient tables, agree
// with the stacking openings at u_cube (eval-to-coeff variant, k-ary folding).
#pragma once
#include <cstdint>
#include <vector>

#include "../core/backend.h"
#include "../core/transcript.h"
#include "ple.h"
#include "stacked_pcs.h"

namespace gpustark {

struct WhirParams {
    uint32_t k = 1;                      // variables folded per round; 2^k rows per Merkle query
    std::vector<uint32_t> num_queries;   // per round; the number of rounds R is its length
    uint32_t mu_pow_bits = 0;
    uint32_t folding_pow_bits = 0;
    uint32_t query_phase_pow_bits = 0;
};

// OpenVM's WhirProof. Opened rows and Merkle paths are flat row-major buffers of canonical values.
struct WhirProof {
    uint32_t mu_pow_witness = 0;
    std::vector<EfPair> whir_sumcheck_polys;         // R * k pairs (s(1), s(2))
    std::vector<Digest> codeword_commits;            // R - 1
    EfVec ood_values;                                // R - 1
    std::vector<uint32_t> folding_pow_witnesses;     // R * k
    std::vector<uint32_t> query_phase_pow_witnesses; // R
    // Per commit: num_queries[0] x 2^k x width_c, and num_queries[0] x (m + log_blowup - k) x 8.
    std::vector<std::vector<uint32_t>> initial_round_opened_rows;
    std::vector<std::vector<uint32_t>> initial_round_merkle_proofs;
    // Per round i = 1..R-1: num_queries[i] x 2^k x 4, and num_queries[i] x (m + log_blowup - k - i) x 8.
    std::vector<std::vector<uint32_t>> codeword_opened_values;
    std::vector<std::vector<uint32_t>> codeword_merkle_proofs;
    EfVec final_poly;                                // 2^(m - k R) coefficients
};

// Runs steps 20-21 on `transcript`. `commits` in commit order share m, log_blowup and their
// Merkle trees group 2^params.k rows; u_cube has m entries (u_cube_from_u of the stacking u).
// Proof-of-work witnesses are the smallest passing ones (Transcript::grind).
WhirProof prove_whir(Transcript& transcript, const std::vector<const StackedPcsData*>& commits, const EfVec& u_cube,
                     const WhirParams& params, Backend& backend);

// Multilinear basis changes over an EF table of length 2^n, variable i <-> index bit i:
// coefficients -> hypercube evaluations (subset zeta) and back (Moebius).
void coeffs_to_evals(EfVec& table);
void evals_to_coeffs(EfVec& table);

// K_u(b) = prod_i ((1 - 2 u_i)(1 - b_i) + u_i b_i) for b in {0,1}^|u| (PROTOCOL 5.3).
EfVec mobius_eq_table(const EfVec& u);

}  // namespace gpustark
