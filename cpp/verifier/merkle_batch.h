// Checking every Merkle opening of a WHIR round at once: the same result as merkle_verify
// (core/merkle_tree.h) query by query, with the leaf hashes and compressions of all queries
// batched through the CPU's Poseidon2 lanes (8 states per call).
#pragma once
#include <cstddef>
#include <cstdint>

namespace gpustark {

// The first of `count` queries whose opening does not lead to `root` (8 words), or -1.
// Query q opens the 2^log_group rows at opened + q * 2^log_group * width and the sibling path at
// paths + q * depth * 8; a query index out of range, or a shape that cannot be a tree of `rows`
// rows (not a power of two, depth not log2(rows / 2^log_group)), fails.
long merkle_first_failure(const uint32_t* root, size_t rows, uint32_t width, uint32_t log_group,
                          const size_t* queries, size_t count, const uint32_t* opened, const uint32_t* paths,
                          size_t depth);

}  // namespace gpustark
