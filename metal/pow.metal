// Proof-of-work grinding (PROTOCOL 2.5): one window of witnesses per dispatch.
#include "pow/pow.h"

// Lane tests witness p.first_witness + lane for lane < count and lowers *best to it if it
// passes; *best starts at 0xffffffff.
kernel void pow_grind(constant PowParams& p [[buffer(0)]],
                      device u32* best [[buffer(1)]],
                      constant uint& count [[buffer(2)]],
                      uint lane [[thread_position_in_grid]]) {
    if (lane >= count) return;
    pow_grind_body(lane, p, best);
}
