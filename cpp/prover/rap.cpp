// The RAP-constraints phase in OpenVM's transcript order (PROTOCOL 7 steps 4-14): the LogUp-GKR
// phase, then the batch constraint sumcheck. Each is callable alone (bindings/bind_rap.cpp).
#include "rap.h"

#include <stdexcept>
#include <string>

#include "../core/spans.h"
#include "batch_constraints.h"
#include "batch_terms.h"

namespace gpustark {

size_t xi_length(const std::vector<RapTrace>& traces, uint32_t l_skip, uint32_t n_logup) {
    uint32_t n_max = 0;
    for (const RapTrace& t : traces) n_max = std::max(n_max, cube_vars(t, l_skip));
    return l_skip + std::max(n_max, n_logup);
}

LogUpGkrData prove_logup_gkr(Transcript& transcript, const std::vector<RapTrace>& traces, const RapParams& params,
                             Backend& backend, bool read_leaves) {
    if (traces.empty()) throw std::invalid_argument("prove_logup_gkr: no traces");
    LogUpGkrData out;
    // As in OpenVM's GPU prover, logup_gkr covers steps 4-7: the LogUp PoW, the input layer, the GKR
    // and extending xi.
    ScopedSpan gkr_span("logup_gkr");
    // Step 4-5: the LogUp proof-of-work happens even without interactions, then alpha, beta.
    out.proof.logup_pow_witness = transcript.grind(params.logup_pow_bits, backend);
    const Ef alpha = sample_ef(transcript);
    const Ef beta = sample_ef(transcript);

    // Step 6: GKR over the input layer, when there is one.
    out.input = logup_layout(traces, params.l_skip);
    out.input.alpha = alpha;
    out.input.beta = beta;
    if (out.input.slot_leaves != 0) {
        // The leaves and every layer above them, where the backend runs the GKR.
        ScopedSpan input_span("input_evals");  // OpenVM: prover.rap_constraints.logup_gkr.input_evals
        std::unique_ptr<FractionTree> tree = backend.logup_fraction_tree(logup_leaves(traces, out.input, params.l_skip));
        input_span.close();
        if (read_leaves) {
            std::array<std::vector<Ef>, 2> leaves = tree->layer(tree->depth());
            out.input.p = std::move(leaves[0]);
            out.input.q = std::move(leaves[1]);
        }
        out.xi = prove_fraction_tree(transcript, *tree, out.proof).xi;
    }

    // Step 7: extend xi to l_skip + max(n_max, n_logup).
    const size_t length = xi_length(traces, params.l_skip, out.input.n_logup);
    while (out.xi.size() < length) out.xi.push_back(sample_ef(transcript));
    return out;
}

namespace {

// A given input layer must have the traces' shape: the batch sumcheck weighs each slot by its
// offset (its leaves are not read: the LogUp sums come from round 0's sums on D).
void check_logup_input(const LogUpInput& input, const std::vector<RapTrace>& traces, const EfVec& xi,
                       const RapParams& params) {
    const LogUpInput layout = logup_layout(traces, params.l_skip);
    if (input.slot_offsets != layout.slot_offsets || input.n_logup != layout.n_logup)
        throw std::invalid_argument("logup_input: built for traces of other heights or interactions");
    const size_t length = xi_length(traces, params.l_skip, layout.n_logup);
    if (xi.size() != length)
        throw std::invalid_argument("xi: expected " + std::to_string(length) + " elements (l_skip + max(n_max, n_logup)), found " +
                                    std::to_string(xi.size()));
}

}  // namespace

BatchChallenges prove_batch_phase(Transcript& transcript, const std::vector<RapTrace>& traces, const LogUpInput& input,
                                  const EfVec& xi, const RapParams& params, Backend& backend, BatchProofData& proof) {
    if (traces.empty()) throw std::invalid_argument("prove_batch_constraints: no traces");
    check_logup_input(input, traces, xi, params);
    BatchInput batch{&traces, &input, params.l_skip, params.max_constraint_degree, xi, input.beta, &backend,
                     params.mle_memory_limit, params.mle_memory_cap};
    return prove_batch_constraints(transcript, batch, proof);
}

RapProofData prove_rap_constraints(Transcript& transcript, const std::vector<RapTrace>& traces, const RapParams& params,
                                   Backend& backend) {
    LogUpGkrData gkr = prove_logup_gkr(transcript, traces, params, backend);
    RapProofData out;
    out.gkr = std::move(gkr.proof);
    out.r = prove_batch_phase(transcript, traces, gkr.input, gkr.xi, params, backend, out.batch).r;
    return out;
}

}  // namespace gpustark
