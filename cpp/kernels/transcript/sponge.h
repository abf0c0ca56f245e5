// The Fiat-Shamir transcript's duplex sponge (core/transcript.h, PROTOCOL 2.5) on one device lane,
// for a phase that keeps the transcript beside its tables between rounds, so that a round's
// challenge never waits for the host (kernels/sumcheck/round_sponge.h). The state is the host
// Transcript's, word for word: 16 canonical lanes, the next rate lane to overwrite and the number
// of samples left, so the host hands it over and takes it back as plain words.
#pragma once
#include "../field/ext4.h"
#include "../hash/hash.h"

struct SpongeState {
    u32 state[16];   // canonical
    u32 absorb_idx;  // next rate lane to overwrite, in [0, 8)
    u32 sample_idx;  // samples left: lanes sample_idx - 1 down to 0
};

#ifndef __METAL_VERSION__
static_assert(sizeof(SpongeState) == 72, "SpongeState layout is shared with MSL, CUDA and the host Transcript");
#endif

// Rate lane `index` (< GS_P2_RATE) written and read by a select over the constant lane indices:
// indexed at run time, the state would live in local memory on CUDA (a 128-byte stack frame in
// sumcheck_sponge_step), and every access of its permutations with it.
GS_FN void sponge_set_lane(GS_THREAD u32* state, u32 index, u32 value) {
    GS_UNROLL for (u32 i = 0; i < GS_P2_RATE; ++i) if (i == index) state[i] = value;
}
GS_FN u32 sponge_lane(GS_THREAD const u32* state, u32 index) {
    u32 value = 0u;
    GS_UNROLL for (u32 i = 0; i < GS_P2_RATE; ++i) if (i == index) value = state[i];
    return value;
}

GS_FN void sponge_permute(GS_THREAD SpongeState& t) {
    p2_permute_canonical(t.state);
    t.absorb_idx = 0u;
    t.sample_idx = GS_P2_RATE;
}

// Overwrite mode: the value replaces rate lane absorb_idx; a full rate permutes.
GS_FN void sponge_absorb(GS_THREAD SpongeState& t, u32 canonical) {
    sponge_set_lane(t.state, t.absorb_idx, canonical);
    t.absorb_idx += 1u;
    if (t.absorb_idx == GS_P2_RATE) sponge_permute(t);
}

// Pending input, or no samples left, permutes first; samples are read from lane 7 down.
GS_FN u32 sponge_sample(GS_THREAD SpongeState& t) {
    if (t.absorb_idx != 0u || t.sample_idx == 0u) sponge_permute(t);
    t.sample_idx -= 1u;
    return sponge_lane(t.state, t.sample_idx);
}

// An extension element is observed and sampled as its 4 canonical limbs, c0 first.
GS_FN void sponge_observe_ef(GS_THREAD SpongeState& t, Ef a) {
    sponge_absorb(t, fp_to_canonical(a.c0));
    sponge_absorb(t, fp_to_canonical(a.c1));
    sponge_absorb(t, fp_to_canonical(a.c2));
    sponge_absorb(t, fp_to_canonical(a.c3));
}

GS_FN Ef sponge_sample_ef(GS_THREAD SpongeState& t) {
    // One statement per limb: the order of the samples is the protocol's.
    const u32 c0 = sponge_sample(t);
    const u32 c1 = sponge_sample(t);
    const u32 c2 = sponge_sample(t);
    const u32 c3 = sponge_sample(t);
    return ef_make(fp_from_canonical(c0), fp_from_canonical(c1), fp_from_canonical(c2), fp_from_canonical(c3));
}
