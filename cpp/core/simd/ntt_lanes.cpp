// Compiled once per instruction set (CMake: baseline, -mavx2 and -mavx512* on x86-64) into
// namespace GS_LANES_NS; ntt_lanes_dispatch.cpp picks one at run time. Values stay canonical, as
// in the device kernels: a Montgomery product of a canonical value and a Montgomery-form twiddle
// is canonical again, so every backend's transform gives the same words.
#include "ntt_lanes.h"

#include <algorithm>

#include "../../kernels/ntt/ntt.h"
#include "fp_lanes.h"

#ifndef GS_LANES_NS
#define GS_LANES_NS lanes_base
#endif

namespace gpustark {
namespace GS_LANES_NS {
namespace {

constexpr size_t kLanes = size_t(kCpuLanes);

// Butterflies between two rows over `count` columns, kCpuLanes at a time.
void butterfly_rows(uint32_t* row0, uint32_t* row1, size_t count, uint32_t twiddle) {
    const FpLanes w = fp_lanes_splat(twiddle);
    size_t c = 0;
    for (; c + kLanes <= count; c += kLanes) {
        FpLanes a = fp_lanes_load(row0 + c), b = fp_lanes_load(row1 + c);
        ntt_butterfly_values(&a, &b, w);
        fp_lanes_store(row0 + c, a);
        fp_lanes_store(row1 + c, b);
    }
    if (c < count) {
        const size_t tail = count - c;
        FpLanes a = fp_lanes_load(row0 + c, tail), b = fp_lanes_load(row1 + c, tail);
        ntt_butterfly_values(&a, &b, w);
        fp_lanes_store(row0 + c, a, tail);
        fp_lanes_store(row1 + c, b, tail);
    }
}

void scale_row(uint32_t* row, size_t count, uint32_t factor) {
    const FpLanes f = fp_lanes_splat(factor);
    size_t c = 0;
    for (; c + kLanes <= count; c += kLanes) fp_lanes_store(row + c, fp_mul(fp_lanes_load(row + c), f));
    if (c < count) fp_lanes_store(row + c, fp_mul(fp_lanes_load(row + c, count - c), f), count - c);
}

void swap_rows(uint32_t* a, uint32_t* b, size_t count) {
    size_t c = 0;
    for (; c + kLanes <= count; c += kLanes) {
        const FpLanes x = fp_lanes_load(a + c), y = fp_lanes_load(b + c);
        fp_lanes_store(a + c, y);
        fp_lanes_store(b + c, x);
    }
    for (; c < count; ++c) std::swap(a[c], b[c]);
}

}  // namespace

void ntt_stage_groups(const NttMatrix& m, const NttStages& st, size_t group_begin, size_t group_end, size_t col_begin,
                      size_t col_end) {
    const uint32_t s0 = st.stage_begin, span = st.stage_end - st.stage_begin;
    const size_t low_count = size_t(1) << s0, cols = col_end - col_begin;
    auto row = [&](size_t r) { return m.data + r * m.stride + col_begin; };
    for (size_t g = group_begin; g < group_end;) {
        // A run of groups with one high part: rows base + (i << s0) + l for i < 2^span, l < run.
        const size_t low = g & (low_count - 1), run = std::min(group_end - g, low_count - low);
        const size_t base = ((g >> s0) << st.stage_end) | low;
        for (uint32_t s = st.stage_begin; s < st.stage_end; ++s) {
            const uint32_t local = s - s0;  // the stage's bit within i
            const size_t half = size_t(1) << s;
            const uint32_t* twiddles = st.stage_twiddles + half - 1;
            for (size_t b = 0; b < (size_t(1) << (span - 1)); ++b) {
                // Butterfly b: i0 has a zero at bit `local`, b's bits around it.
                const size_t i0 = ((b >> local) << (local + 1)) | (b & ((size_t(1) << local) - 1));
                const size_t r0 = base + (i0 << s0);
                const size_t j0 = r0 & (half - 1);  // the row's place in its half: the twiddle's power
                for (size_t l = 0; l < run; ++l) butterfly_rows(row(r0 + l), row(r0 + l + half), cols, twiddles[j0 + l]);
            }
        }
        if (st.post_factors)
            for (size_t i = 0; i < (size_t(1) << span); ++i)
                for (size_t l = 0; l < run; ++l) {
                    const size_t r = base + (i << s0) + l;
                    scale_row(row(r), cols, st.post_factors[r]);
                }
        g += run;
    }
}

void ntt_bit_reverse_rows(const NttMatrix& m, const uint32_t* pre_factors, size_t row_begin, size_t row_end,
                          size_t col_begin, size_t col_end) {
    const size_t cols = col_end - col_begin;
    for (size_t r = row_begin; r < row_end; ++r) {
        const size_t partner = ntt_bit_reverse(uint32_t(r), m.log_n);
        if (partner < r) continue;  // the pair is the lower row's
        uint32_t* a = m.data + r * m.stride + col_begin;
        uint32_t* b = m.data + partner * m.stride + col_begin;
        if (pre_factors) {
            scale_row(a, cols, pre_factors[r]);
            if (partner != r) scale_row(b, cols, pre_factors[partner]);
        }
        if (partner != r) swap_rows(a, b, cols);
    }
}

}  // namespace GS_LANES_NS
}  // namespace gpustark
