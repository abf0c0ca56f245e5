// Batched Poseidon2 on the CPU: kCpuLanes states at once through the shared permutation body
// (kernels/hash/poseidon2.h) instantiated on FpLanes. Loads and stores convert canonical values.
#pragma once
#include <cstddef>
#include <utility>
#include <vector>

#include "../poseidon2_host.h"
#include "../../kernels/pow/pow.h"

namespace gpustark {

// How many states the functions below take per call at most: one pass of the AVX-512 copy, two
// of the AVX2 and baseline copies (8 lanes each).
constexpr size_t kPoseidon2Lanes = 16;

// Permutes `count` (<= kPoseidon2Lanes) states of 16 canonical words each, at states + i * stride.
void p2_permute_lanes(uint32_t* states, size_t count, size_t stride);

// Leaf hash of `count` (<= kPoseidon2Lanes) rows of `width` words, rows at matrix + i * row_stride.
void hash_rows_lanes(const uint32_t* matrix, size_t count, uint32_t width, size_t row_stride, uint32_t* digests);

// out[i] = C(left[i], right[i]) for `count` (<= kPoseidon2Lanes) digests; pointers to each pair.
void compress_lanes(const uint32_t* const* left, const uint32_t* const* right, size_t count, uint32_t* const* out);

// Bit mask of which of the kPoseidon2Lanes witnesses first_witness + i pass the proof-of-work check.
uint32_t pow_check_lanes(const PowParams& params, uint32_t first_witness);

// The smallest witness in [first, first + count) and below p that passes the proof-of-work check,
// or UINT32_MAX: kPoseidon2Lanes witnesses a step, on the calling thread.
uint32_t first_passing_witness(const PowParams& params, uint64_t first, uint64_t count);

// The instruction set the functions above use on this CPU ("avx512", "avx2" or "baseline").
const char* poseidon2_lanes_isa();

// p2_permute_single: one permutation in place, declared by core/poseidon2_host.h for the
// transcript (the copies in poseidon2_single.cpp, the choice in poseidon2_lanes_dispatch.cpp).

// The instruction set p2_permute_single uses on this CPU ("avx512", "avx2" or "baseline").
const char* poseidon2_single_isa();

// Every compiled copy of p2_permute_single that this CPU can run, by instruction set (for tests).
std::vector<std::pair<const char*, void (*)(uint32_t*)>> p2_permute_single_copies();

// Every compiled copy of p2_permute_lanes that this CPU can run, by instruction set (for tests:
// the copies a wider CPU never dispatches to are still checked there).
using P2PermuteLanes = void (*)(uint32_t*, size_t, size_t);
std::vector<std::pair<const char*, P2PermuteLanes>> p2_permute_lanes_copies();

}  // namespace gpustark
