// run_emulated (test_metal_fake_device.h): the real metal/*.metal kernels, compiled as C++ with the
// lane emulator's keyword macros and <metal_stdlib> (tests/msl/emulator), bound to a launch's
// arguments by their [[buffer(i)]] index as Metal binds them. The .metal files are the prepared
// copies CMake writes (the [[threadgroup(n)]] attribute renamed, as tests/msl/msl_sources.py does),
// inside namespace gs_msl so that their MSL-branch kernel headers do not collide with the C++
// branch the backends in this executable were compiled with.
//
// Standard headers and the emulator's runtime first: the keyword macros would break them.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime.h"
#include "test_metal_fake_device.h"

namespace gs_msl {
#include "msl_keywords.h"
#include "poseidon2.metal"
#include "merkle.metal"
#include "ntt.metal"
#include "pow.metal"
#include "sumcheck.metal"
#include "fraction_tree.metal"
#include "trace_tables.metal"
#include "gather.metal"
#include "round0.metal"
#include "dag.metal"
#include "stacked.metal"
#include "whir.metal"
#include "msl_keywords_end.h"
}  // namespace gs_msl

namespace test_metal {

namespace {

using gpustark::metal::Arg;
using gpustark::metal::Launch;

struct Mismatch : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A launch's arguments as the kernel's parameters, checked like a debugger would wish Metal did.
class Binder {
public:
    explicit Binder(const Launch& l) : l_(l) {}

    void arity(size_t n) const {
        if (l_.args.size() != n)
            fail("takes " + std::to_string(n) + " arguments, the launch binds " + std::to_string(l_.args.size()));
    }
    // Argument i as a buffer of T holding at least `count` elements from its offset.
    template <typename T>
    T* buffer(size_t i, uint64_t count) const {
        const Arg& a = arg(i);
        if (!a.buffer) fail("argument " + std::to_string(i) + " must be a buffer");
        const uint64_t have = (a.buffer->bytes() - a.offset) / sizeof(T);
        if (have < count)
            fail("argument " + std::to_string(i) + " holds " + std::to_string(have) + " elements of " +
                 std::to_string(sizeof(T)) + " bytes; the kernel touches " + std::to_string(count));
        return reinterpret_cast<T*>(a.buffer->as<uint8_t>() + a.offset);
    }
    // Argument i as a value of exactly sizeof(T) bytes (MSL `constant T&`).
    template <typename T>
    T value(size_t i) const {
        const Arg& a = arg(i);
        if (a.buffer || a.bytes.size() != sizeof(T))
            fail("argument " + std::to_string(i) + " must be a value of " + std::to_string(sizeof(T)) + " bytes, got " +
                 (a.buffer ? std::string("a buffer") : std::to_string(a.bytes.size()) + " bytes"));
        T v;
        std::memcpy(&v, a.bytes.data(), sizeof(T));
        return v;
    }
    // The threadgroup memory, as `count` elements of T at least.
    void scratch(uint64_t bytes) const {
        if (l_.scratch_bytes < bytes)
            fail("needs " + std::to_string(bytes) + " bytes of threadgroup memory, the launch sets " +
                 std::to_string(l_.scratch_bytes));
    }

private:
    const Arg& arg(size_t i) const {
        if (i >= l_.args.size()) fail("argument " + std::to_string(i) + " is not bound");
        return l_.args[i];
    }
    [[noreturn]] void fail(const std::string& why) const { throw Mismatch(l_.kernel + ": " + why); }
    const Launch& l_;
};

uint64_t threads(const Launch& l) { return l.groups * l.group; }

// A kernel without barriers: every grid position in order (pos, threads_per_grid).
void each_position(const Launch& l, const std::function<void(uint32_t, uint32_t)>& fn) {
    const uint64_t n = threads(l);
    for (uint64_t pos = 0; pos < n; ++pos) fn(uint32_t(pos), uint32_t(n));
}

// A kernel with barriers: the emulator's threadgroups of std::threads sharing scratch.
void each_group(const Launch& l,
                const std::function<void(uint32_t pos, uint32_t lane, uint32_t lanes, uint32_t group, void*)>& fn) {
    gs_emu::run_groups(uint32_t(l.groups), l.group, size_t(l.scratch_bytes / 4),
                       [&](uint32_t lane, uint32_t group, uint32_t lanes, uint32_t* scratch) {
                           fn(group * lanes + lane, lane, lanes, group, scratch);
                       });
}

using gs_msl::DagSums;
using gs_msl::Ef;
using gs_msl::Fp;

bool run_primitive(const Launch& l, const Binder& b) {
    const std::string& k = l.kernel;
    if (k == "poseidon2_permute") {
        b.arity(2);
        gs_msl::Poseidon2Params p = b.value<gs_msl::Poseidon2Params>(1);
        uint32_t* states = b.buffer<uint32_t>(0, uint64_t(p.count) * 16);
        each_position(l, [&](uint32_t pos, uint32_t) { gs_msl::poseidon2_permute(states, p, pos); });
    } else if (k == "merkle_leaf") {
        b.arity(3);
        gs_msl::MerkleParams p = b.value<gs_msl::MerkleParams>(2);
        uint32_t* matrix = b.buffer<uint32_t>(0, uint64_t(p.count) * p.width);
        uint32_t* digests = b.buffer<uint32_t>(1, uint64_t(p.count) * 8);
        each_position(l, [&](uint32_t pos, uint32_t) { gs_msl::merkle_leaf(matrix, digests, p, pos); });
    } else if (k == "merkle_compress") {
        b.arity(3);
        gs_msl::MerkleParams p = b.value<gs_msl::MerkleParams>(2);
        uint32_t* children = b.buffer<uint32_t>(0, uint64_t(p.count) * 16);
        uint32_t* parents = b.buffer<uint32_t>(1, uint64_t(p.count) * 8);
        each_position(l, [&](uint32_t pos, uint32_t) { gs_msl::merkle_compress(children, parents, p, pos); });
    } else if (k == "ntt_bit_reverse" || k == "ntt_stage" || k == "ntt_scale" || k == "ntt_block") {
        const bool two = k == "ntt_bit_reverse";
        b.arity(two ? 2 : k == "ntt_block" ? 4 : 3);
        gs_msl::NttParams p = b.value<gs_msl::NttParams>(two ? 1 : k == "ntt_block" ? 3 : 2);
        const uint64_t n = uint64_t(1) << p.log_n;
        uint32_t* data = b.buffer<uint32_t>(0, (n - 1) * p.row_stride + uint64_t(p.batch - 1) * p.col_stride + 1);
        if (k == "ntt_bit_reverse") {
            each_position(l, [&](uint32_t pos, uint32_t) { gs_msl::ntt_bit_reverse(data, p, pos); });
        } else if (k == "ntt_stage") {
            uint32_t* tw = b.buffer<uint32_t>(1, n / 2);
            each_position(l, [&](uint32_t pos, uint32_t) { gs_msl::ntt_stage(data, tw, p, pos); });
        } else if (k == "ntt_scale") {
            uint32_t* factors = b.buffer<uint32_t>(1, n);
            each_position(l, [&](uint32_t pos, uint32_t) { gs_msl::ntt_scale(data, factors, p, pos); });
        } else {
            uint32_t* tw = b.buffer<uint32_t>(1, n / 2);
            // The scale factors, read only when p.fused scales (else any buffer).
            const bool scales = (p.fused & (GS_NTT_FUSE_SCALE_IN | GS_NTT_FUSE_SCALE_OUT)) != 0;
            uint32_t* factors = b.buffer<uint32_t>(2, scales ? n : 1);
            b.scratch((uint64_t(4) << p.log_block) * std::max<uint32_t>(p.block_columns, 1));
            each_group(l, [&](uint32_t, uint32_t lane, uint32_t lanes, uint32_t group, void* scratch) {
                gs_msl::ntt_block(data, tw, factors, p, static_cast<uint32_t*>(scratch), lane, group, lanes);
            });
        }
    } else if (k == "pow_grind") {
        b.arity(2);
        uint32_t* best = b.buffer<uint32_t>(0, 1);
        gs_msl::PowParams p = b.value<gs_msl::PowParams>(1);
        each_position(l, [&](uint32_t pos, uint32_t) { gs_msl::pow_grind(best, p, pos); });
    } else {
        return false;
    }
    return true;
}

// metal/stacked.metal: buffers sized from the params as the kernel bodies index them.
bool run_stacked_kernel(const Launch& l, const Binder& b) {
    const std::string& k = l.kernel;
    if (k == "stacked_slot_sums") {
        b.arity(5);
        auto p = b.value<gs_msl::StackedSlotSumsParams>(4);
        const uint32_t* matrix = b.buffer<uint32_t>(0, p.width);
        const gs_msl::StackedSlotDesc* slots = b.buffer<gs_msl::StackedSlotDesc>(1, 1);
        const Ef* eq = b.buffer<Ef>(2, 1);
        Ef* partials = b.buffer<Ef>(3, 2 * p.lanes);
        each_position(l, [&](uint32_t pos, uint32_t n) {
            gs_msl::stacked_slot_sums(matrix, slots, eq, partials, p, pos, n);
        });
    } else if (k == "stacked_piece_sums") {
        b.arity(4);
        auto p = b.value<gs_msl::StackedPieceSumsParams>(3);
        const Ef* partials = b.buffer<Ef>(0, 2 * p.lanes * p.pieces);
        Ef* s = b.buffer<Ef>(1, p.lanes);
        Ef* t = b.buffer<Ef>(2, p.lanes);
        each_position(l, [&](uint32_t pos, uint32_t n) { gs_msl::stacked_piece_sums(partials, s, t, p, pos, n); });
    } else if (k == "stacked_fold_columns") {
        b.arity(4);
        auto p = b.value<gs_msl::StackedFoldColumnsParams>(3);
        const uint32_t* matrix = b.buffer<uint32_t>(0, (p.chunks << p.l_skip) * p.width);
        const Ef* lagrange = b.buffer<Ef>(1, uint64_t(1) << p.l_skip);
        Ef* tables = b.buffer<Ef>(2, 2 * uint64_t(p.width) * p.chunks);
        each_position(l, [&](uint32_t pos, uint32_t n) {
            gs_msl::stacked_fold_columns(matrix, lagrange, tables, p, pos, n);
        });
    } else if (k == "stacked_batch_message") {
        b.arity(4);
        auto p = b.value<gs_msl::StackedBatchMessageParams>(3);
        const uint32_t* message = b.buffer<uint32_t>(0, p.lanes * p.width);
        const Ef* weights = b.buffer<Ef>(1, p.width);
        Ef* f = b.buffer<Ef>(2, p.lanes);
        each_position(l, [&](uint32_t pos, uint32_t n) {
            gs_msl::stacked_batch_message(message, weights, f, p, pos, n);
        });
    } else if (k == "stacked_scatter") {
        b.arity(4);
        auto p = b.value<gs_msl::StackedScatterParams>(3);
        const uint64_t rows = p.slot_count ? p.lanes / p.slot_count : 0;
        const uint32_t* trace = b.buffer<uint32_t>(0, rows * p.trace_width);
        const gs_msl::StackedScatterSlot* slots = b.buffer<gs_msl::StackedScatterSlot>(1, p.slot_count);
        uint32_t* matrix = b.buffer<uint32_t>(2, p.width);
        each_position(l, [&](uint32_t pos, uint32_t n) { gs_msl::stacked_scatter(trace, slots, matrix, p, pos, n); });
    } else if (k == "stacked_message") {
        b.arity(4);
        auto p = b.value<gs_msl::StackedMessageParams>(3);
        const uint64_t words = p.lanes << p.l_skip;
        const uint32_t* matrix = b.buffer<uint32_t>(0, words);
        const Fp* inv_powers = b.buffer<Fp>(1, uint64_t(1) << p.l_skip);
        uint32_t* message = b.buffer<uint32_t>(2, words);
        each_position(l, [&](uint32_t pos, uint32_t n) {
            gs_msl::stacked_message(matrix, inv_powers, message, p, pos, n);
        });
    } else if (k == "stacked_kernel_table") {
        b.arity(6);
        auto p = b.value<gs_msl::StackedKernelTableParams>(5);
        const gs_msl::StackedSlotDesc* slots = b.buffer<gs_msl::StackedSlotDesc>(0, p.slot_count);
        const uint64_t* first = b.buffer<uint64_t>(1, p.slot_count);
        const Ef* eq = b.buffer<Ef>(2, 1);
        const Ef* coeffs = b.buffer<Ef>(3, 2 * uint64_t(p.slot_count));
        Ef* tables = b.buffer<Ef>(4, 2 * p.chunks);
        each_position(l, [&](uint32_t pos, uint32_t n) {
            gs_msl::stacked_kernel_table(slots, first, eq, coeffs, tables, p, pos, n);
        });
    } else {
        return false;
    }
    return true;
}

bool run_whir_kernel(const Launch& l, const Binder& b) {
    const std::string& k = l.kernel;
    if (k == "whir_subset_step") {
        b.arity(2);
        auto p = b.value<gs_msl::WhirSubsetStepParams>(1);
        Ef* table = b.buffer<Ef>(0, 2 * p.lanes);
        each_position(l, [&](uint32_t pos, uint32_t n) { gs_msl::whir_subset_step(table, p, pos, n); });
    } else if (k == "whir_product_table") {
        b.arity(2);
        auto p = b.value<gs_msl::WhirProductTableParams>(1);
        Ef* table = b.buffer<Ef>(0, p.lanes);
        each_position(l, [&](uint32_t pos, uint32_t n) { gs_msl::whir_product_table(table, p, pos, n); });
    } else if (k == "whir_power_sum") {
        b.arity(3);
        auto p = b.value<gs_msl::WhirPowerSumParams>(2);
        const Ef* table = b.buffer<Ef>(0, p.lanes);
        Ef* partials = b.buffer<Ef>(1, l.groups * GS_WHIR_POWER_SUM_SUMS);
        b.scratch(uint64_t(GS_WHIR_POWER_SUM_SUMS) * l.group * sizeof(Ef));
        each_group(l, [&](uint32_t pos, uint32_t lane, uint32_t lanes, uint32_t group, void* s) {
            gs_msl::whir_power_sum(table, partials, p, static_cast<Ef*>(s), pos, uint32_t(threads(l)), lane, lanes,
                                   group);
        });
    } else if (k == "whir_ef_words") {
        b.arity(3);
        auto p = b.value<gs_msl::WhirEfWordsParams>(2);
        const Ef* table = b.buffer<Ef>(0, p.lanes);
        uint32_t* words = b.buffer<uint32_t>(1, 4 * p.lanes);
        each_position(l, [&](uint32_t pos, uint32_t n) { gs_msl::whir_ef_words(table, words, p, pos, n); });
    } else {
        return false;
    }
    return true;
}

bool run_phase_kernel(const Launch& l, const Binder& b) {
    const std::string& k = l.kernel;
    if (k == "sumcheck_fold") {
        b.arity(3);
        auto p = b.value<gs_msl::SumcheckFoldParams>(2);
        const uint64_t half = uint64_t(1) << p.log_half, tables = (p.lanes + half - 1) >> p.log_half;
        const Ef* in = b.buffer<Ef>(0, tables ? (tables - 1) * p.stride + 2 * half : 0);
        Ef* out = b.buffer<Ef>(1, tables ? (tables - 1) * (p.stride >> p.out_shift) + half : 0);
        each_position(l, [&](uint32_t pos, uint32_t n) { gs_msl::sumcheck_fold(in, out, p, pos, n); });
    } else if (k == "sumcheck_pair_product" || k == "sumcheck_fraction") {
        b.arity(3);
        const bool pairs = k == "sumcheck_pair_product";
        const uint32_t sums = pairs ? GS_SUMCHECK_PAIR_PRODUCT_SUMS : GS_SUMCHECK_FRACTION_SUMS;
        Ef* partials = b.buffer<Ef>(1, l.groups * sums);
        b.scratch(uint64_t(sums) * l.group * sizeof(Ef));
        if (pairs) {
            auto p = b.value<gs_msl::SumcheckPairProductParams>(2);
            const uint64_t half = uint64_t(1) << p.log_half, count = 2 * ((p.lanes + half - 1) >> p.log_half);
            const Ef* tables = b.buffer<Ef>(0, count ? (count - 1) * p.stride + 2 * half : 0);
            each_group(l, [&](uint32_t pos, uint32_t lane, uint32_t lanes, uint32_t group, void* s) {
                gs_msl::sumcheck_pair_product(tables, partials, p, static_cast<Ef*>(s), pos, uint32_t(threads(l)), lane,
                                              lanes, group);
            });
        } else {
            auto p = b.value<gs_msl::SumcheckFractionParams>(2);
            const Ef* tables = b.buffer<Ef>(0, 4 * p.stride + 2 * p.lanes);
            each_group(l, [&](uint32_t pos, uint32_t lane, uint32_t lanes, uint32_t group, void* s) {
                gs_msl::sumcheck_fraction(tables, partials, p, static_cast<Ef*>(s), pos, uint32_t(threads(l)), lane,
                                          lanes, group);
            });
        }
    } else if (k == "sumcheck_sponge_step") {
        b.arity(4);
        auto p = b.value<gs_msl::SumcheckSpongeStepParams>(3);
        if (l.groups != 1) throw Mismatch("sumcheck_sponge_step runs as one threadgroup, the launch has " +
                                          std::to_string(l.groups));
        const Ef* partials = b.buffer<Ef>(0, uint64_t(p.groups) * p.sums);
        gs_msl::SpongeState* sponge = b.buffer<gs_msl::SpongeState>(1, 1);
        Ef* log = b.buffer<Ef>(2, uint64_t(p.round + 1) * GS_ROUND_LOG_STRIDE);
        b.scratch(uint64_t(GS_ROUND_LOG_SUMS) * l.group * sizeof(Ef));
        each_group(l, [&](uint32_t, uint32_t lane, uint32_t lanes, uint32_t, void* s) {
            gs_msl::sumcheck_sponge_step(partials, sponge, log, p, static_cast<Ef*>(s), lane, lanes);
        });
    } else if (k == "sumcheck_sponge_grind") {
        b.arity(3);
        auto p = b.value<gs_msl::SumcheckSpongeGrindParams>(2);
        uint32_t* best = b.buffer<uint32_t>(0, 1);
        const gs_msl::SpongeState* sponge = b.buffer<gs_msl::SpongeState>(1, 1);
        each_position(l, [&](uint32_t pos, uint32_t n) { gs_msl::sumcheck_sponge_grind(best, sponge, p, pos, n); });
    } else if (k == "sumcheck_sponge_witness") {
        b.arity(5);
        auto p = b.value<gs_msl::SumcheckSpongeWitnessParams>(4);
        gs_msl::SpongeState* sponge = b.buffer<gs_msl::SpongeState>(0, 1);
        uint32_t* best = b.buffer<uint32_t>(1, 1);
        Ef* log = b.buffer<Ef>(2, uint64_t(p.round + 1) * GS_ROUND_LOG_STRIDE);
        uint32_t* witnesses = b.buffer<uint32_t>(3, uint64_t(p.round) + 1);
        each_position(l, [&](uint32_t pos, uint32_t) {
            gs_msl::sumcheck_sponge_witness(sponge, best, log, witnesses, p, pos);
        });
    } else if (k == "sumcheck_fold_logged") {
        b.arity(4);
        auto p = b.value<gs_msl::SumcheckFoldLoggedParams>(3);
        const uint64_t half = uint64_t(1) << p.log_half, tables = (p.lanes + half - 1) >> p.log_half;
        const Ef* in = b.buffer<Ef>(0, tables ? (tables - 1) * p.stride + 2 * half : 0);
        Ef* out = b.buffer<Ef>(1, tables ? (tables - 1) * (p.stride >> p.out_shift) + half : 0);
        const Ef* log = b.buffer<Ef>(2, uint64_t(p.r_index) + 1);
        each_position(l, [&](uint32_t pos, uint32_t n) { gs_msl::sumcheck_fold_logged(in, out, log, p, pos, n); });
    } else if (k == "sumcheck_eq_halves") {
        b.arity(3);
        auto p = b.value<gs_msl::SumcheckAddEqPowersParams>(2);
        const Ef* points = b.buffer<Ef>(0, uint64_t(p.count) * (p.vars + 1));
        Ef* halves = b.buffer<Ef>(1, uint64_t(p.count) * gs_msl::sumcheck_eq_halves_len(p.vars));
        each_position(l, [&](uint32_t pos, uint32_t n) { gs_msl::sumcheck_eq_halves(points, halves, p, pos, n); });
    } else if (k == "sumcheck_add_eq_powers") {
        b.arity(3);
        auto p = b.value<gs_msl::SumcheckAddEqPowersParams>(2);
        Ef* table = b.buffer<Ef>(0, p.lanes);
        const Ef* halves = b.buffer<Ef>(1, uint64_t(p.count) * gs_msl::sumcheck_eq_halves_len(p.vars));
        each_position(l, [&](uint32_t pos, uint32_t n) { gs_msl::sumcheck_add_eq_powers(table, halves, p, pos, n); });
    } else if (k == "gkr_layer") {
        b.arity(5);
        auto p = b.value<gs_msl::GkrLayerParams>(4);
        const Ef* cp = b.buffer<Ef>(0, 2 * p.nodes);
        const Ef* cq = b.buffer<Ef>(1, 2 * p.nodes);
        Ef* pp = b.buffer<Ef>(2, p.nodes);
        Ef* pq = b.buffer<Ef>(3, p.nodes);
        each_position(l, [&](uint32_t pos, uint32_t n) { gs_msl::gkr_layer(cp, cq, pp, pq, p, pos, n); });
    } else if (k == "gkr_split") {
        b.arity(4);
        auto p = b.value<gs_msl::GkrSplitParams>(3);
        const Ef* pv = b.buffer<Ef>(0, 2 * p.half);
        const Ef* qv = b.buffer<Ef>(1, 2 * p.half);
        Ef* tables = b.buffer<Ef>(2, 4 * p.half);
        each_position(l, [&](uint32_t pos, uint32_t n) { gs_msl::gkr_split(pv, qv, tables, p, pos, n); });
    } else if (k == "logup_leaves") {
        b.arity(9);
        auto p = b.value<gs_msl::LogUpLeavesParams>(8);
        uint32_t* code = b.buffer<uint32_t>(0, 4 * (uint64_t(p.first) + p.count));
        Ef* weights = b.buffer<Ef>(1, 1);
        Fp* constants = b.buffer<Fp>(2, 1);
        const uint32_t* trace = b.buffer<uint32_t>(3, p.height * p.width);
        uint64_t* offsets = b.buffer<uint64_t>(4, p.interactions);
        Fp* slots = b.buffer<Fp>(5, threads(l));
        uint64_t leaves = 0;  // past the last leaf a row writes
        for (uint32_t k = 0; k < p.interactions; ++k) leaves = std::max(leaves, offsets[k] + p.height * p.repeats);
        Ef* pv = b.buffer<Ef>(6, leaves);
        Ef* qv = b.buffer<Ef>(7, leaves);
        each_position(l, [&](uint32_t pos, uint32_t n) {
            gs_msl::logup_leaves(code, weights, constants, trace, offsets, slots, pv, qv, p, pos, n);
        });
    } else if (k == "logup_unused_leaves") {
        b.arity(3);
        auto p = b.value<gs_msl::LogUpUnusedLeavesParams>(2);
        Ef* pv = b.buffer<Ef>(0, p.first + p.count);
        Ef* qv = b.buffer<Ef>(1, p.first + p.count);
        each_position(l, [&](uint32_t pos, uint32_t n) { gs_msl::logup_unused_leaves(pv, qv, p, pos, n); });
    } else if (k == "trace_tables") {
        b.arity(4);
        auto p = b.value<gs_msl::TraceTablesParams>(3);
        const uint32_t* trace = b.buffer<uint32_t>(0, (uint64_t(1) << p.log_height) * p.width);
        const Ef* lagrange = b.buffer<Ef>(1, uint64_t(1) << p.l_skip);
        Ef* tables = b.buffer<Ef>(2, (2 * uint64_t(p.width) + 3) * p.length);
        each_position(l, [&](uint32_t pos, uint32_t n) { gs_msl::trace_tables(trace, lagrange, tables, p, pos, n); });
    } else if (k == "gather_words") {
        b.arity(4);
        auto p = b.value<gs_msl::GatherWordsParams>(3);
        const uint64_t runs = p.words ? p.lanes / p.words : 0;
        const uint64_t* starts = b.buffer<uint64_t>(1, runs);
        uint64_t end = 0;  // the source words the runs touch
        for (uint64_t i = 0; i < runs; ++i) end = std::max(end, starts[i] + p.words);
        const uint32_t* src = b.buffer<uint32_t>(0, end);
        uint32_t* out = b.buffer<uint32_t>(2, p.lanes);
        each_position(l, [&](uint32_t pos, uint32_t n) { gs_msl::gather_words(src, starts, out, p, pos, n); });
    } else if (k == "round0_gather") {
        b.arity(5);
        auto p = b.value<gs_msl::Round0GatherParams>(4);
        const uint64_t points = p.count << p.l_skip;
        const uint32_t* trace = b.buffer<uint32_t>(0, (uint64_t(1) << p.log_height) * p.width);
        uint32_t* local = b.buffer<uint32_t>(1, points * (uint64_t(p.width) + 3));
        uint32_t* next = b.buffer<uint32_t>(2, points * p.width);
        // A coset's tables: both twiddle halves and the scale (coset_dft_powers); none read on D.
        const uint64_t n = uint64_t(1) << p.l_skip;
        const Fp* powers = b.buffer<Fp>(3, p.coset ? 2 * (n / 2) + n : 0);
        each_position(l, [&](uint32_t pos, uint32_t n) { gs_msl::round0_gather(trace, local, next, powers, p, pos, n); });
    } else if (k == "round0_eq_sums") {
        b.arity(4);
        auto p = b.value<gs_msl::Round0EqSumsParams>(3);
        // lanes = evals x pieces x N; the block's sums are evals x N x count.
        const uint64_t evals_n = p.pieces ? p.lanes / p.pieces : 0;
        const DagSums* sums = b.buffer<DagSums>(0, evals_n * p.count);
        const Ef* eq = b.buffer<Ef>(1, p.first + p.count);
        DagSums* partials = b.buffer<DagSums>(2, p.lanes);
        each_position(l, [&](uint32_t pos, uint32_t n) { gs_msl::round0_eq_sums(sums, eq, partials, p, pos, n); });
    } else if (k == "round0_piece_sums") {
        b.arity(3);
        auto p = b.value<gs_msl::Round0PieceSumsParams>(2);
        const DagSums* partials = b.buffer<DagSums>(0, p.lanes * p.pieces);
        DagSums* totals = b.buffer<DagSums>(1, p.lanes);
        each_position(l, [&](uint32_t pos, uint32_t n) { gs_msl::round0_piece_sums(partials, totals, p, pos, n); });
    } else if (k == "dag_base_sums") {
        b.arity(9);
        auto p = b.value<gs_msl::DagBaseSumsParams>(8);
        const uint64_t points = p.group_count ? p.lanes / p.group_count : 0;
        uint32_t* code = b.buffer<uint32_t>(0, 1);
        uint32_t* groups = b.buffer<uint32_t>(1, 2 * uint64_t(p.group_count));
        Ef* weights = b.buffer<Ef>(2, 1);
        Fp* constants = b.buffer<Fp>(3, 1);
        // The last point's last column bounds what a lane reads.
        const uint32_t* local = b.buffer<uint32_t>(
            4, points ? (points - 1) * p.local_point_stride + (uint64_t(p.width) + 2) * p.local_column_stride + 1 : 0);
        const uint32_t* next = b.buffer<uint32_t>(
            5, points && p.width ? (points - 1) * p.next_point_stride + (uint64_t(p.width) - 1) * p.next_column_stride + 1
                                 : 0);
        Fp* slots = b.buffer<Fp>(6, threads(l));
        DagSums* out = b.buffer<DagSums>(7, p.lanes);
        each_position(l, [&](uint32_t pos, uint32_t n) {
            gs_msl::dag_base_sums(code, groups, weights, constants, local, next, slots, out, p, pos, n);
        });
    } else if (k == "dag_group_sums") {
        b.arity(3);
        auto p = b.value<gs_msl::DagGroupSumsParams>(2);
        const DagSums* partial = b.buffer<DagSums>(0, p.points * p.group_count);
        DagSums* out = b.buffer<DagSums>(1, p.points);
        each_position(l, [&](uint32_t pos, uint32_t n) { gs_msl::dag_group_sums(partial, out, p, pos, n); });
    } else if (k == "dag_fold_points") {
        b.arity(3);
        auto p = b.value<gs_msl::DagFoldPointsParams>(2);
        const uint64_t tables = p.units ? p.lanes / p.units : 0;
        const uint64_t length = p.bound ? 1 : 2 * (p.first_pair + p.units / std::max<uint32_t>(p.points, 1));
        const Ef* in = b.buffer<Ef>(0, tables ? (tables - 1) * p.table_stride + length : 0);
        Ef* out = b.buffer<Ef>(1, p.lanes);
        each_position(l, [&](uint32_t pos, uint32_t n) { gs_msl::dag_fold_points(in, out, p, pos, n); });
    } else if (k == "dag_round") {
        b.arity(8);
        auto p = b.value<gs_msl::DagRoundParams>(7);
        uint32_t* code = b.buffer<uint32_t>(0, 1);
        uint32_t* groups = b.buffer<uint32_t>(1, 2 * uint64_t(p.group_count));
        Ef* weights = b.buffer<Ef>(2, 1);
        Fp* constants = b.buffer<Fp>(3, 1);
        const Ef* folded = b.buffer<Ef>(4, (2 * uint64_t(p.width) + 4) * p.units);
        Ef* slots = b.buffer<Ef>(5, threads(l));
        Ef* partials = b.buffer<Ef>(6, l.groups * GS_DAG_MAX_POINTS);
        b.scratch(uint64_t(GS_DAG_MAX_POINTS) * l.group * sizeof(Ef));
        each_group(l, [&](uint32_t pos, uint32_t lane, uint32_t lanes, uint32_t group, void* s) {
            gs_msl::dag_round(code, groups, weights, constants, folded, slots, partials, p, static_cast<Ef*>(s), pos,
                              uint32_t(threads(l)), lane, lanes, group);
        });
    } else {
        return run_stacked_kernel(l, b) || run_whir_kernel(l, b);
    }
    return true;
}

}  // namespace

bool run_emulated(const Launch& l, std::string* why) {
    try {
        const Binder b(l);
        if (run_primitive(l, b) || run_phase_kernel(l, b)) return true;
        *why = "kernel '" + l.kernel + "' is not emulated";
    } catch (const Mismatch& e) {
        *why = e.what();
    }
    return false;
}

}  // namespace test_metal
