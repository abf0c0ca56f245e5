// Proof-of-work grinding (PROTOCOL 2.5): one window of witnesses per dispatch.
#include "pow/pow.h"

// Lane tests witness p.first_witness + lane for lane < p.window and lowers *best to it if it
// passes; *best starts at 0xffffffff.
kernel void pow_grind(device u32* best [[buffer(0)]],
                      constant PowParams& p [[buffer(1)]],
                      uint lane [[thread_position_in_grid]]) {
    if (lane >= p.window) return;
    pow_grind_lane(lane, p, best);
}
