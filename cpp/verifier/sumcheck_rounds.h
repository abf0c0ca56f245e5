// Sumcheck rounds as the verifier replays them over the transcript: the GKR layers, the batch
// constraint and stacking sumchecks (values at 1..d sent per round), and WHIR's folding rounds
// (a proof-of-work check between observing and sampling). Mirrors the Python loops of
// gpustark.verifier, which stay the reference.
#pragma once
#include <cstdint>
#include <vector>

#include "../core/transcript.h"
#include "../kernels/field/ext4.h"

namespace gpustark {
namespace verifier_math {

// Lagrange weights on the integers 0..d: 1 / prod_{j != i} (i - j).
inline std::vector<Fp> lagrange_inverse_denominators(size_t d) {
    std::vector<Fp> out(d + 1);
    for (size_t i = 0; i <= d; ++i) {
        Fp den = fp_one();
        for (size_t j = 0; j <= d; ++j)
            if (j != i) den = fp_mul(den, i > j ? fp_from_canonical(uint32_t(i - j)) : fp_neg(fp_from_canonical(uint32_t(j - i))));
        out[i] = fp_inv(den);
    }
    return out;
}

// The round polynomial through (0, claim - v_1), (1, v_1) .. (d, v_d) at r; v: d canonical EF values.
inline Ef next_claim(Ef claim, const uint32_t* v, size_t d, Ef r, const std::vector<Fp>& inv_denominators) {
    Ef total = ef_zero();
    for (size_t i = 0; i <= d; ++i) {
        Ef numerator = ef_one();
        for (size_t j = 0; j <= d; ++j)
            if (j != i) numerator = ef_mul(numerator, ef_sub(r, ef_from_base(fp_from_canonical(uint32_t(j)))));
        const Ef point = i == 0 ? ef_sub(claim, ef_load(v)) : ef_load(v + 4 * (i - 1));
        total = ef_add(total, ef_mul_base(ef_mul(point, numerator), inv_denominators[i]));
    }
    return total;
}

// `rounds` rounds of d canonical EF values each (values[round][i] is the polynomial at i + 1):
// observe them, sample r, move the claim. Returns the final claim; the r's go to challenges.
inline Ef sumcheck_rounds(Transcript& transcript, Ef claim, const uint32_t* values, size_t rounds, size_t d,
                          std::vector<Ef>& challenges) {
    const std::vector<Fp> inv_denominators = lagrange_inverse_denominators(d);
    for (size_t round = 0; round < rounds; ++round) {
        const uint32_t* v = values + round * d * 4;
        for (size_t i = 0; i < 4 * d; ++i) transcript.observe(v[i]);
        const Ef r = sample_ef(transcript);
        claim = next_claim(claim, v, d, r, inv_denominators);
        challenges.push_back(r);
    }
    return claim;
}

// WHIR's k folding rounds of one round: observe (e1, e2), check the folding proof-of-work
// witness, sample alpha, move the claim to the quadratic at alpha. Returns the first fold whose
// witness fails (it stops there), or -1; claim and alphas as far as it went.
inline long whir_folding_rounds(Transcript& transcript, Ef& claim, const uint32_t* polys, uint32_t pow_bits,
                                const std::vector<uint32_t>& witnesses, std::vector<Ef>& alphas) {
    const std::vector<Fp> inv_denominators = lagrange_inverse_denominators(2);
    for (size_t j = 0; j < witnesses.size(); ++j) {
        const uint32_t* v = polys + 8 * j;
        for (size_t i = 0; i < 8; ++i) transcript.observe(v[i]);
        if (witnesses[j] >= GS_P || !transcript.check_witness(pow_bits, witnesses[j])) return long(j);
        const Ef alpha = sample_ef(transcript);
        claim = next_claim(claim, v, 2, alpha, inv_denominators);
        alphas.push_back(alpha);
    }
    return -1;
}

}  // namespace verifier_math
}  // namespace gpustark
