// The RAP-constraints phase (PROTOCOL 7 steps 4-14): LogUp proof-of-work and alpha/beta, the
// LogUp-GKR fractional sumcheck, and the batch constraint sumcheck with the univariate skip.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "../core/backend.h"
#include "../core/dag_program.h"  // powers
#include "../core/host_memory.h"
#include "../core/transcript.h"
#include "../core/air_program.h"
#include "ef_poly.h"

namespace gpustark {

// One present trace, in sorted order (descending height, then ascending AIR index).
struct RapTrace {
    const AirProgram* air = nullptr;
    const uint32_t* values = nullptr;  // height x width, row-major, canonical
    uint32_t log_height = 0;
    std::vector<Fp> publics;
};

struct RapParams {
    uint32_t l_skip = 0;
    uint32_t logup_pow_bits = 0;
    uint32_t max_constraint_degree = 0;
    // MLE evaluation budget (device/memory_budget.h): initial effective limit and hard cap, bytes.
    uint64_t mle_memory_limit = uint64_t(1) << 30;
    uint64_t mle_memory_cap = uint64_t(5) << 30;
};

struct GkrProofData {
    uint32_t logup_pow_witness = 0;
    Ef q0_claim = ef_one();
    std::vector<std::array<Ef, 4>> claims_per_layer;          // struct order: p0, p1, q0, q1
    std::vector<std::vector<std::array<Ef, 3>>> sumcheck_polys;  // round j = 2..J: j-1 x s(1..3)
};

struct BatchProofData {
    EfVec numerator_term_per_air;
    EfVec denominator_term_per_air;
    EfVec univariate_round_coeffs;
    std::vector<EfVec> sumcheck_round_polys;  // n_max x (d + 1): s_i(1..d+1)
    std::vector<EfVec> column_openings;       // per trace, common main: c_1[, rot_1], c_2, ...
};

struct RapProofData {
    GkrProofData gkr;
    BatchProofData batch;
    EfVec r;  // (r_0, r_1..r_{n_max})
};

// The LogUp-GKR input layer (PROTOCOL 8.1): each (trace, interaction) slot's offset, and the
// leaves p and q (2^(l_skip + n_logup) of each) only where asked for (prove_logup_gkr's
// read_leaves: the backend makes them where the GKR runs). alpha and beta are the challenges the
// leaves are made from.
struct LogUpInput {
    std::vector<Ef> p, q;
    uint32_t n_logup = 0;
    std::vector<std::vector<uint64_t>> slot_offsets;  // [trace][interaction]
    uint64_t slot_leaves = 0;  // the slots fill leaves 0 .. slot_leaves - 1; the rest are (0, alpha)
    Ef alpha = ef_zero(), beta = ef_zero();
};
// The input layer's shape alone (slot offsets, slot_leaves and n_logup, no leaves): what the traces' heights
// and interaction counts decide.
LogUpInput logup_layout(const std::vector<RapTrace>& traces, uint32_t l_skip);
// What a backend needs to make the leaves of `layout` (built for `traces`, with its alpha and
// beta set): each trace with interactions, its program and slots (core/logup_leaves.h).
LogUpLeaves logup_leaves(const std::vector<RapTrace>& traces, const LogUpInput& layout, uint32_t l_skip);

// The first phase of the RAP constraints, steps 4-7: the LogUp proof-of-work, alpha and beta (kept
// in the input layer), the input layer, the GKR over it and xi extended to xi_length.
struct LogUpGkrData {
    GkrProofData proof;
    LogUpInput input;
    EfVec xi;
};
// read_leaves: also read the input layer's leaves back into `input` (for inspection and tests).
LogUpGkrData prove_logup_gkr(Transcript& transcript, const std::vector<RapTrace>& traces, const RapParams& params,
                             Backend& backend, bool read_leaves = false);

// The second phase, steps 8-14: the batch constraint sumcheck from xi and an input layer (with the
// alpha, beta it was built from). A layer of another shape than the traces' or a xi of another
// length than xi_length throw std::invalid_argument.
struct BatchChallenges {
    Ef lambda = ef_zero(), mu = ef_zero();
    EfVec r;  // (r_0, r_1..r_{n_max})
};
BatchChallenges prove_batch_phase(Transcript& transcript, const std::vector<RapTrace>& traces, const LogUpInput& input,
                                  const EfVec& xi, const RapParams& params, Backend& backend, BatchProofData& proof);

// Both phases in order: steps 4-14.
RapProofData prove_rap_constraints(Transcript& transcript, const std::vector<RapTrace>& traces, const RapParams& params,
                                   Backend& backend);

// l_skip + max(n_max, n_logup): the length of xi after step 7.
size_t xi_length(const std::vector<RapTrace>& traces, uint32_t l_skip, uint32_t n_logup);

// ---- pieces, exposed for tests ----

struct GkrOutput {
    EfVec xi;  // length l_skip + n_logup
    Ef p_claim, q_claim;
};
// Proves the fraction tree (PROTOCOL 8.2-8.3) on the transcript; each layer's sumcheck runs on
// the tree's tables.
GkrOutput prove_fraction_tree(Transcript& transcript, FractionTree& tree, GkrProofData& proof);

}  // namespace gpustark
