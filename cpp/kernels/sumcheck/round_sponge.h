// A sumcheck's rounds with the transcript on the device (EfTables::transcript_rounds): per round,
// the round kernel (sumcheck_pair_product or sumcheck_fraction) writes its per-group sums; one
// group of sumcheck_sponge_step adds them, observes s(1..K) into the sponge (transcript/sponge.h)
// and samples the challenge r; sumcheck_fold_logged folds every table by that r. Nothing waits
// for the host between rounds: the log holds each round's sums and challenge for the proof, read
// back once after the last round.
//
// A round with a proof-of-work grind (WHIR's folding rounds) has the step observe only; then
// sumcheck_sponge_grind tests the witnesses of one window against the sponge and
// sumcheck_sponge_witness observes the smallest passing one and samples r.
#pragma once
#include "../pow/pow.h"
#include "../transcript/sponge.h"
#include "table_lanes.h"

#define GS_ROUND_LOG_STRIDE 4u  // Ef per round in the log: s(1), s(2), s(3) (zero at degree 2), r
#define GS_ROUND_LOG_SUMS 3u    // the step adds this many sums per group (a degree-2 round's third is zero)

#define GS_SPONGE_NO_WITNESS 0xffffffffu  // the grind's best before any hit

// sumcheck_sponge_step: one group; `groups` groups' partials of `sums` Ef each (2 or 3); the round's
// log entry is log + round * GS_ROUND_LOG_STRIDE; `sample` 0 when a grind comes before r.
struct SumcheckSpongeStepParams {
    u32 groups;
    u32 sums;
    u32 round;
    u32 sample;
};

// sumcheck_sponge_grind: witnesses 0 .. window-1 for `bits` bits.
struct SumcheckSpongeGrindParams {
    u32 bits;
    u32 window;
};

// sumcheck_sponge_witness: one lane; the round's log entry and witness slot.
struct SumcheckSpongeWitnessParams {
    u32 round;
    u32 bits;
};

// sumcheck_fold_logged: sumcheck_fold's lanes with r = log[r_index] (the step's challenge).
struct SumcheckFoldLoggedParams {
    u64 lanes;
    u64 stride;
    u32 log_half;
    u32 out_shift;
    u32 r_index;
    u32 pad;
};

#ifndef __METAL_VERSION__
static_assert(sizeof(SumcheckSpongeStepParams) == 16, "SumcheckSpongeStepParams layout is shared with MSL");
static_assert(sizeof(SumcheckSpongeGrindParams) == 8 && sizeof(SumcheckSpongeWitnessParams) == 8,
              "the sponge grind's params are shared with MSL");
static_assert(sizeof(SumcheckFoldLoggedParams) == 32 && __builtin_offsetof(SumcheckFoldLoggedParams, log_half) == 16 &&
                  __builtin_offsetof(SumcheckFoldLoggedParams, r_index) == 24,
              "SumcheckFoldLoggedParams layout is shared with MSL");
#endif

// Lane `lane` of `lanes` adds the partials of groups lane, lane + lanes, ... into s[0..sums)
// (sums <= GS_ROUND_LOG_SUMS). The loop over k runs to the constant bound, so that s stays in
// registers (indexed at run time, it would live in local memory on CUDA).
GS_FN void sumcheck_sponge_partials_lane(u32 lane, u32 lanes, GS_DEVICE const Ef* partials, u32 groups, u32 sums,
                                         GS_THREAD Ef* s) {
    for (u32 g = lane; g < groups; g += lanes)
        GS_UNROLL for (u32 k = 0; k < GS_ROUND_LOG_SUMS; ++k)
            if (k < sums) s[k] = ef_add(s[k], partials[(u64)g * sums + k]);
}

// One lane, once the round's sums are in entry[0..sums): observes them and, with `sample`, writes
// the sampled challenge to entry[3].
GS_FN void sumcheck_sponge_observe_and_sample(GS_DEVICE SpongeState* sponge, GS_DEVICE Ef* entry, u32 sums,
                                              u32 sample) {
    SpongeState t = *sponge;
    for (u32 k = 0; k < sums; ++k) sponge_observe_ef(t, entry[k]);
    if (sample != 0u) entry[GS_ROUND_LOG_STRIDE - 1u] = sponge_sample_ef(t);
    *sponge = t;
}

#ifdef GS_ATOMIC_MIN
// Witness w (< window) against the sponge as the step left it: lowers *best to w if it passes.
GS_FN void sumcheck_sponge_grind_lane(u32 w, GS_DEVICE const SpongeState* sponge, u32 bits, GS_DEVICE u32* best) {
    if (pow_state_passes(sponge->state, sponge->absorb_idx, bits, w)) GS_ATOMIC_MIN(best, w);
}
#endif

// One lane after the grind: observes the smallest passing witness (Transcript::check_witness:
// observe it, then one sample whose low bits are zero), samples r into entry[3], writes the
// witness to *witness (GS_SPONGE_NO_WITNESS when the window held none, or it does not pass: the
// host then refuses the rounds) and resets *best for the next round.
GS_FN void sumcheck_sponge_witness_lane(GS_DEVICE SpongeState* sponge, GS_DEVICE u32* best, GS_DEVICE Ef* entry,
                                        GS_DEVICE u32* witness, u32 bits) {
    const u32 w = *best;
    *best = GS_SPONGE_NO_WITNESS;
    *witness = GS_SPONGE_NO_WITNESS;
    if (w >= GS_P) return;
    SpongeState t = *sponge;
    sponge_absorb(t, w);
    if ((sponge_sample(t) & ((1u << bits) - 1u)) != 0u) return;
    entry[GS_ROUND_LOG_STRIDE - 1u] = sponge_sample_ef(t);
    *sponge = t;
    *witness = w;
}
