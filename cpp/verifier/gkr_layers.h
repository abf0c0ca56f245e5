// LogUp-GKR's layers after the root (PROTOCOL 8.4), as the verifier replays them: per layer,
// sample lambda, the layer's sumcheck, observe the children's claims, check the sumcheck's end,
// sample mu and move to the next layer's point. Mirrors gkr.verify_gkr's loop (the reference).
#pragma once
#include <vector>

#include "sumcheck_rounds.h"
#include "verifier_math.h"

namespace gpustark {
namespace verifier_math {

struct GkrState {
    std::vector<Ef> xi;          // the current point
    Ef p_claim, q_claim;
    std::vector<Ef> lambdas, mus;  // per layer, as sampled
};

// Layers j = 2..num_layers: claims[j - 2] are the 4 values (p0, p1, q0, q1) of layer j; the
// sumcheck of layer j has j - 1 rounds of 3 values, all of them one after another in `polys`.
// Returns the first layer whose sumcheck does not end at its claims, or -1.
inline long gkr_layers(Transcript& transcript, GkrState& s, uint32_t num_layers, const uint32_t* claims,
                       const uint32_t* polys) {
    for (uint32_t j = 2; j <= num_layers; ++j) {
        const Ef lam = sample_ef(transcript);
        std::vector<Ef> rho;
        const Ef claim = sumcheck_rounds(transcript, ef_add(s.p_claim, ef_mul(lam, s.q_claim)), polys, j - 1, 3, rho);
        polys += size_t(j - 1) * 3 * 4;
        const uint32_t* c = claims + size_t(j - 2) * 16;
        const Ef p0 = ef_load(c), p1 = ef_load(c + 4), q0 = ef_load(c + 8), q1 = ef_load(c + 12);
        for (const uint32_t* v : {c, c + 8, c + 4, c + 12})  // observed as p0, q0, p1, q1
            for (int i = 0; i < 4; ++i) transcript.observe(v[i]);
        if (s.xi.size() != rho.size()) return long(j);  // cannot happen: xi has j - 1 entries
        const Ef expected = ef_mul(eq(s.xi.data(), rho.data(), rho.size()),
                                   ef_add(ef_add(ef_mul(p0, q1), ef_mul(p1, q0)), ef_mul(lam, ef_mul(q0, q1))));
        if (!ef_eq(claim, expected)) return long(j);
        const Ef mu = sample_ef(transcript);
        s.xi.assign(1, mu);
        s.xi.insert(s.xi.end(), rho.begin(), rho.end());
        s.p_claim = ef_add(p0, ef_mul(mu, ef_sub(p1, p0)));
        s.q_claim = ef_add(q0, ef_mul(mu, ef_sub(q1, q0)));
        s.lambdas.push_back(lam);
        s.mus.push_back(mu);
    }
    return -1;
}

}  // namespace verifier_math
}  // namespace gpustark
