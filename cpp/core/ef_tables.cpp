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
        for (size_t k = 0; k < observed; ++k)
            transcript.observe_ext({fp_to_canonical(s[k].c0), fp_to_canonical(s[k].c1), fp_to_canonical(s[k].c2),
                                    fp_to_canonical(s[k].c3)});
        if (grind.bits != 0) out.witnesses.push_back(transcript.grind(grind.bits, *grind.backend));
        const ExtElement limbs = transcript.sample_ext();
        const Ef r = ef_make(fp_from_canonical(limbs[0]), fp_from_canonical(limbs[1]), fp_from_canonical(limbs[2]),
                             fp_from_canonical(limbs[3]));
        out.sums.push_back(s);
        out.challenges.push_back(r);
        fold(r);
    }
    return out;
}

}  // namespace gpustark
