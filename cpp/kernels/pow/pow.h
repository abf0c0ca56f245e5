// Proof-of-work check (PROTOCOL 2.5): observe(w) then one sample whose low `bits` bits must be 0.
// Whatever the sponge's absorb position, this is one permutation of the state with lane
// `absorb_idx` overwritten by w, and the sample is lane 7 of the result.
#pragma once
#include "../hash/poseidon2.h"

struct PowParams {
    u32 state[16];   // canonical sponge state before observing the witness
    u32 absorb_idx;  // in [0, 8)
    u32 bits;        // in [1, 31)
    u32 first_witness;
    u32 window;      // witnesses of this dispatch (set by the grinder; Backend::grind ignores it)
};

#ifndef __METAL_VERSION__
static_assert(sizeof(PowParams) == 80, "PowParams layout is shared with MSL and CUDA");
#endif

// `state`: 16 canonical words in any address space (the params' constant copy, or a sponge in
// device memory: kernels/sumcheck/round_sponge.h).
template <typename Words>
GS_FN bool pow_state_passes(Words state, u32 absorb_idx, u32 bits, u32 witness) {
    P2State st;
    for (u32 i = 0; i < 16u; ++i) st.s[i] = fp_from_canonical(state[i]);
    st.s[absorb_idx] = fp_from_canonical(witness);
    p2_permute(st);
    return (fp_to_canonical(st.s[7]) & ((1u << bits) - 1u)) == 0u;
}

GS_FN bool pow_witness_passes(GS_CONSTANT const PowParams& p, u32 witness) {
    return pow_state_passes(p.state, p.absorb_idx, p.bits, witness);
}

#ifdef GS_ATOMIC_MIN
// Lane tests witness first_witness + lane and lowers *best to it if it passes; the host starts
// *best at 0xffffffff and scans windows in order, so the result is the smallest passing witness.
GS_FN void pow_grind_lane(u32 lane, GS_CONSTANT const PowParams& p, GS_DEVICE u32* best) {
    u32 witness = p.first_witness + lane;
    if (witness < GS_P && pow_witness_passes(p, witness)) GS_ATOMIC_MIN(best, witness);
}
#endif
