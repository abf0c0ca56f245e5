// Host-side tables for the NTT kernels, shared by every backend: twiddles and scale factors in
// Montgomery form (see kernels/ntt/ntt.h for why).
#pragma once
#include <cstdint>
#include <vector>

namespace gpustark {

// w^k for k < 2^(log_n - 1), w = omega_{log_n} (or its inverse when `inverse`).
std::vector<uint32_t> ntt_twiddles(uint32_t log_n, bool inverse);

// The same powers by stage, for a CPU pass: stage s's w^(j 2^(log_n-1-s)) for j < 2^s from
// index 2^s - 1 (2^log_n - 1 values), so that neighbouring butterflies read neighbouring twiddles.
std::vector<uint32_t> ntt_stage_twiddles(uint32_t log_n, bool inverse);

// Per-row factors applied before a forward NTT (shift^j) or after an inverse one
// (shift^-j / n). Empty when there is nothing to scale (forward, shift 1).
std::vector<uint32_t> ntt_scale_factors(uint32_t log_n, bool inverse, uint32_t shift);

// What a thread needs to take 2^log_n values on D to the coset shift D in its registers
// (kernels/constraints/round0_gather.h): the inverse twiddles, the forward twiddles, then
// shift^j / n for j < n.
std::vector<uint32_t> coset_dft_powers(uint32_t log_n, uint32_t shift);

}  // namespace gpustark
