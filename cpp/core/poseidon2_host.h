// What the core asks of the host's Poseidon2: one permutation in place, as fast as this CPU runs
// it (the transcript's sponge, where each permutation needs the previous one's output). Declared
// here so that the core does not reach into a backend; the CPU backend defines it
// (core/simd/poseidon2_lanes_dispatch.cpp picks the AVX-512, AVX2 or baseline copy of
// poseidon2_single.cpp at run time).
#pragma once
#include <cstdint>

namespace gpustark {

// 16 canonical words permuted in place.
void p2_permute_single(uint32_t* state);

}  // namespace gpustark
