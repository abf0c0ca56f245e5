// The RAP-constraints phase in OpenVM's transcript order (PROTOCOL 7 steps 4-14).
#include "rap.h"

#include <stdexcept>

#include "../core/spans.h"
#include "batch_constraints.h"

namespace gpustark {

RapProofData prove_rap_constraints(Transcript& transcript, const std::vector<RapTrace>& traces, const RapParams& params,
                                   Backend& backend) {
    if (traces.empty()) throw std::invalid_argument("prove_rap_constraints: no traces");
    RapProofData out;

    // As in OpenVM's GPU prover, logup_gkr covers steps 4-7: the LogUp PoW, the input layer, the GKR
    // and extending xi.
    ScopedSpan gkr_span("logup_gkr");
    // Step 4-5: the LogUp proof-of-work happens even without interactions, then alpha, beta.
    out.gkr.logup_pow_witness = transcript.grind(params.logup_pow_bits, backend);
    Ef alpha = sample_ef(transcript);
    Ef beta = sample_ef(transcript);

    // Step 6: GKR over the input layer, when there is one.
    ScopedSpan input_span("input_evals");  // OpenVM: prover.rap_constraints.logup_gkr.input_evals
    LogUpInput logup = build_logup_input(traces, params.l_skip, alpha, beta);
    input_span.close();
    EfVec xi;
    if (!logup.p.empty()) xi = prove_fraction_tree(transcript, logup.p, logup.q, out.gkr, backend).xi;

    // Step 7: extend xi to l_skip + max(n_max, n_logup).
    uint32_t n_max = 0;
    for (const RapTrace& t : traces) n_max = std::max(n_max, t.log_height > params.l_skip ? t.log_height - params.l_skip : 0u);
    while (xi.size() < params.l_skip + std::max(n_max, logup.n_logup)) xi.push_back(sample_ef(transcript));
    gkr_span.close();

    BatchInput batch{&traces, &logup, params.l_skip, params.max_constraint_degree, xi, alpha, beta, &backend,
                     params.mle_memory_limit, params.mle_memory_cap};
    out.r = prove_batch_constraints(transcript, batch, out.batch);
    return out;
}

}  // namespace gpustark
