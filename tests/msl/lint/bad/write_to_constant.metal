// Planted lint failure (tests/test_msl_lint.py expects clang to reject it): a store through
// constant memory, which MSL makes read-only.
// expect: const-qualified
#include "ntt/ntt_params.h"

kernel void write_to_constant(constant NttParams& p [[buffer(0)]],
                              uint lane [[thread_position_in_grid]]) {
    if (lane == 0) p.stage += 1u;
}
