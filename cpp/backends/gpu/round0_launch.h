// The Params of round 0's gather (kernels/constraints/round0_gather.h), filled once
// for CUDA and Metal alike: the first pieces of round 0 written for every GPU.
#pragma once
#include <cstddef>
#include <cstdint>

#include "../../kernels/constraints/round0_gather.h"

namespace gpustark {
namespace gpu {

// Chunks [first, first + count) of N = 2^l_skip rows of a 2^log_height x width trace, on a coset
// (the launch binds its tables) or on D.
inline Round0GatherParams round0_gather_params(size_t first, size_t count, bool coset, uint32_t width,
                                               uint32_t log_height, uint32_t l_skip) {
    Round0GatherParams p{};
    p.first = first;
    p.count = count;
    p.lanes = uint64_t(count) * (uint64_t(width) + 3);
    p.width = width;
    p.log_height = log_height;
    p.l_skip = l_skip;
    p.coset = coset ? 1u : 0u;
    return p;
}

}  // namespace gpu
}  // namespace gpustark
