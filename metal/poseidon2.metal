// Poseidon2 permutation of a batch of 16-word states, one lane per state (PROTOCOL 2.3).
#include "hash/hash.h"

// states: p.count x 16 canonical words, permuted in place. The host may round the grid up.
kernel void poseidon2_permute(device u32* states [[buffer(0)]],
                              constant Poseidon2Params& p [[buffer(1)]],
                              uint lane [[thread_position_in_grid]]) {
    if (lane >= p.count) return;
    p2_permute_canonical(states + (u64)lane * GS_P2_WIDTH);
}
