// EfTables::transcript_rounds on the host transcript, one round at a time (the CPU's tables, and
// the reference a device's sponge on the device is checked against: the dual backend).
#include "ef_tables.h"

#include "transcript.h"

namespace gpustark {

SumcheckRounds EfTables::transcript_rounds(Transcript& transcript, SumcheckRoundKind kind, Ef lambda, size_t rounds,
                                           RoundGrind grind) {
    require_rounds(kind, rounds, grind);
    SumcheckRounds out;
    for (size_t round = 0; round < rounds; ++round) {
        std::array<Ef, 3> s = {ef_zero(), ef_zero(), ef_zero()};
        size_t observed = 3;
        if (kind == SumcheckRoundKind::Fraction) {
            s = fraction_round(lambda);
        } else {
            const std::array<Ef, 2> pair = pair_product_round();
            s = {pair[0], pair[1], ef_zero()};
            observed = 2;
        }
        for (size_t k = 0; k < observed; ++k) observe_ef(transcript, s[k]);
        if (grind.bits != 0) out.witnesses.push_back(transcript.grind(grind.bits, *grind.backend));
        const Ef r = sample_ef(transcript);
        out.sums.push_back(s);
        out.challenges.push_back(r);
        fold(r);
    }
    return out;
}

}  // namespace gpustark
