// The batch constraint sumcheck (PROTOCOL 9): zerocheck and LogUp input-layer sums of every
// trace batched with powers of mu, a univariate-skip round 0 over D, then n_max multilinear rounds
// front-loaded across traces of different heights, then the column openings.
#pragma once
#include "rap.h"

namespace gpustark {

struct BatchInput {
    const std::vector<RapTrace>* traces;
    const LogUpInput* logup;  // slot offsets and n_logup
    uint32_t l_skip;
    uint32_t degree;          // max_constraint_degree d
    EfVec xi;                 // length l_skip + max(n_max, n_logup)
    Ef beta;                  // the messages' weights (alpha only shifts the leaves' q: unread here)
    Backend* backend;         // batched NTTs for round 0
    uint64_t mle_memory_limit;  // the MLE evaluation budget: initial effective limit and hard cap
    uint64_t mle_memory_cap;
};

// Runs PROTOCOL 7 steps 8-14 on the transcript; returns lambda, mu and r = (r_0..r_{n_max}).
BatchChallenges prove_batch_constraints(Transcript& transcript, const BatchInput& input, BatchProofData& proof);

}  // namespace gpustark
