// Planted lint failure (tests/test_msl_lint.py expects clang to reject it): a threadgroup
// pointer passed where the body expects device memory. g++ and the lane emulator accept this,
// since they define the address spaces away; real MSL and the lint do not.
// expect: cannot pass pointer to address space
#include "ntt/ntt.h"

kernel void wrong_address_space(constant NttParams& p [[buffer(0)]],
                                threadgroup u32* scratch [[threadgroup(0)]],
                                uint lane [[thread_position_in_threadgroup]]) {
    ntt_bit_reverse_lane(lane, scratch, p);  // wants `device u32*`
}
