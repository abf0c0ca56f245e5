// Scenarios of the primitives' kernels: poseidon2.metal, merkle.metal, gather.metal, ntt.metal,
// pow.metal.
// Included by emulator.cpp (see there for the input and output conventions).
#pragma once
#include "scenario_io.h"

namespace gs_emu {

// args: N. in: N x 16 states; out: the permuted states.
void scenario_poseidon2(const Args& a, const Options& o) {
    uint count = arg(a, 0);
    Words states = read_input(size_t(count) * 16);
    Poseidon2Params p{count};
    gs_emu::run_grid(count, o.group, [&](uint32_t pos) { poseidon2_permute(states.data(), p, pos); });
    write_output(states);
}

// Leaf digests of a rows x width matrix into `digests`.
void leaf_pass(const Words& matrix, uint rows, uint width, Words& digests, const Options& o) {
    MerkleParams p{width, 0, rows, 0};
    gs_emu::run_grid(rows, o.group,
                     [&](uint32_t pos) { merkle_leaf(matrix.data(), digests.data(), p, pos); });
}

// count parents from 2 * count children.
Words compress_pass(const Words& children, uint count, uint stride, const Options& o) {
    if (stride == 0 || count % stride != 0) die("compress: N must be a multiple of STRIDE");
    Words parents(size_t(count) * GS_DIGEST_WIDTH);
    MerkleParams p{0, stride, count, 0};
    gs_emu::run_grid(count, o.group,
                     [&](uint32_t pos) { merkle_compress(children.data(), parents.data(), p, pos); });
    return parents;
}

// args: ROWS WIDTH. in: ROWS x WIDTH; out: ROWS x 8 digests.
void scenario_merkle_leaf(const Args& a, const Options& o) {
    uint rows = arg(a, 0), width = arg(a, 1);
    Words matrix = read_input(size_t(rows) * width), digests(size_t(rows) * GS_DIGEST_WIDTH);
    leaf_pass(matrix, rows, width, digests, o);
    write_output(digests);
}

// args: N STRIDE. in: 2N x 8 children; out: N x 8 parents.
void scenario_merkle_compress(const Args& a, const Options& o) {
    uint count = arg(a, 0), stride = arg(a, 1);
    Words children = read_input(size_t(count) * 2 * GS_DIGEST_WIDTH);
    write_output(compress_pass(children, count, stride, o));
}

// args: ROWS WIDTH LOG_GROUP. in: ROWS x WIDTH; out: the 8-word root, built level by level as
// the host does (PROTOCOL 6.4): LOG_GROUP levels with stride ROWS >> LOG_GROUP, then stride 1.
void scenario_merkle_tree(const Args& a, const Options& o) {
    uint rows = arg(a, 0), width = arg(a, 1), log_group = arg(a, 2);
    if (!is_power_of_two(rows) || log_group > 31 || (rows >> log_group) == 0)
        die("merkle_tree: ROWS must be a power of two >= 2^LOG_GROUP");
    Words matrix = read_input(size_t(rows) * width), level(size_t(rows) * GS_DIGEST_WIDTH);
    leaf_pass(matrix, rows, width, level, o);
    uint queries = rows >> log_group;
    for (uint size = rows, depth = 0; size > 1; size /= 2, ++depth)
        level = compress_pass(level, size / 2, depth < log_group ? queries : 1u, o);
    write_output(level);
}

// args: RUNS WORDS SRC_WORDS. in: SRC_WORDS source words, then RUNS start offsets as u64 (two
// words each, low first); out: the RUNS x WORDS gathered words.
void scenario_gather_words(const Args& a, const Options& o) {
    uint32_t runs = arg(a, 0), words = arg(a, 1), src_words = arg(a, 2);
    Words in = read_input(size_t(src_words) + 2 * size_t(runs));
    Words src(in.begin(), in.begin() + src_words);
    std::vector<uint64_t> starts(runs);
    for (uint32_t i = 0; i < runs; ++i) {
        starts[i] = in[src_words + 2 * i] | (uint64_t(in[src_words + 2 * i + 1]) << 32);
        if (starts[i] + words > src_words) die("gather_words: run " + std::to_string(i) + " ends past the source");
    }
    GatherWordsParams p{uint64_t(runs) * words, words, 0};
    Words out(p.lanes, kScratchPoison);
    run_lanes(p.lanes, o, [&](uint32_t pos, uint32_t threads) {
        gather_words(src.data(), starts.data(), out.data(), p, pos, threads);
    });
    write_output(out);
}

// args: LOG_N BATCH LOG_BLOCK LANES INVERSE SHIFT COLUMNS FUSED. in/out: 2^LOG_N x BATCH,
// row-major (or column-major with --col-major). The host's pass sequence: [scale by shift^j],
// bit_reverse, ntt_block passes of LOG_BLOCK stages each from stage 0 until every stage is done
// (the last pass shorter; LANES lanes per group of COLUMNS columns), or with LOG_BLOCK = 0 one
// ntt_stage per stage, [scale by shift^-j / n]. With FUSED = 1 (LOG_BLOCK = LOG_N), one ntt_block
// does the bit reversal and the scale too. With FUSED = 2 (forward, LOG_BLOCK > 0) the output is
// left bit-reversed: no bit_reverse pass, every ntt_block pass with GS_NTT_REVERSED_OUT (the one
// pass of LOG_BLOCK = LOG_N takes the scale too). Tables are computed here from the kernel headers.
void scenario_ntt(const Args& a, const Options& o) {
    uint log_n = arg(a, 0), batch = arg(a, 1), log_block = arg(a, 2), lanes = arg(a, 3);
    bool inverse = arg(a, 4) != 0;
    uint shift = arg(a, 5), columns = arg(a, 6);
    uint mode = arg(a, 7);
    bool fused = mode == 1, reversed_out = mode == 2;
    if (log_n > GS_TWO_ADICITY || log_block > log_n || batch == 0 || mode > 2)
        die("ntt: need LOG_BLOCK <= LOG_N <= 27, BATCH > 0 and FUSED in 0..2");
    if (fused && (log_block != log_n || log_n == 0)) die("ntt: FUSED needs 1 <= LOG_BLOCK = LOG_N");
    if (reversed_out && (inverse || log_block == 0)) die("ntt: FUSED = 2 needs a forward transform and LOG_BLOCK > 0");
    if (shift == 0 || shift >= GS_P) die("ntt: SHIFT must be in [1, p)");
    uint n = 1u << log_n;
    Words data = read_input(size_t(n) * batch);
    NttParams p{log_n, batch, o.col_major ? 1u : batch, o.col_major ? n : 1u, 0, log_block, columns, 0};

    Fp w = fp_two_adic_generator(log_n);
    if (inverse) w = fp_inv(w);
    Words twiddles(n / 2);
    Fp power = fp_one();
    for (uint k = 0; k < n / 2; ++k, power = fp_mul(power, w)) twiddles[k] = power.m;

    auto factors_of = [&](Fp first, Fp step) {
        Words factors(n);
        Fp f = first;
        for (uint j = 0; j < n; ++j, f = fp_mul(f, step)) factors[j] = f.m;
        return factors;
    };
    auto scale_pass = [&](const Words& factors) {
        gs_emu::run_grid(uint64_t(n) * batch, o.group,
                         [&](uint32_t pos) { ntt_scale(data.data(), factors.data(), p, pos); });
    };
    Fp s = fp_from_canonical(shift);
    // The factors of the one scale: shift^j before a forward transform, shift^-j / n after an inverse.
    const bool scales = inverse || shift != 1u;
    const Words factors = inverse ? factors_of(fp_inv(fp_from_canonical(n)), fp_inv(s)) : factors_of(fp_one(), s);
    auto block_pass = [&] {
        gs_emu::run_groups(ntt_block_groups(p), lanes, size_t(ntt_block_pitch(p)) << p.log_block,
                           [&](uint32_t lane, uint32_t group, uint32_t group_lanes, uint32_t* scratch) {
                               ntt_block(data.data(), twiddles.data(), factors.data(), p, scratch, lane, group,
                                         group_lanes);
                           });
    };
    if (fused) {
        p.fused = GS_NTT_FUSE_BIT_REVERSE | (scales ? (inverse ? GS_NTT_FUSE_SCALE_OUT : GS_NTT_FUSE_SCALE_IN) : 0u);
        block_pass();
        write_output(data);
        return;
    }
    if (reversed_out) {
        const bool one_pass = log_block == log_n;
        if (!one_pass && shift != 1u) scale_pass(factors);
        p.fused = GS_NTT_REVERSED_OUT | (one_pass && shift != 1u ? GS_NTT_FUSE_SCALE_IN : 0u);
        for (uint stage = 0; stage < log_n; stage += p.log_block) {
            p.stage = stage;
            p.log_block = log_n - stage < log_block ? log_n - stage : log_block;
            block_pass();
        }
        write_output(data);
        return;
    }
    if (!inverse && shift != 1u) scale_pass(factors);
    gs_emu::run_grid(uint64_t(n) * batch, o.group,
                     [&](uint32_t pos) { ntt_bit_reverse(data.data(), p, pos); });
    for (uint stage = 0; log_block > 0 && stage < log_n; stage += p.log_block) {
        p.stage = stage;
        p.log_block = log_n - stage < log_block ? log_n - stage : log_block;
        block_pass();
    }
    for (uint stage = 0; log_block == 0 && stage < log_n; ++stage) {
        p.stage = stage;
        gs_emu::run_grid(uint64_t(n / 2) * batch, o.group,
                         [&](uint32_t pos) { ntt_stage(data.data(), twiddles.data(), p, pos); });
    }
    if (inverse) scale_pass(factors);
    write_output(data);
}

// args: BITS ABSORB_IDX WINDOW. in: the 16-word sponge state; out: the smallest passing witness
// (0xffffffff if none below p), found as the host does: windows of WINDOW witnesses in order.
void scenario_pow(const Args& a, const Options& o) {
    PowParams p{};
    p.bits = arg(a, 0);
    p.absorb_idx = arg(a, 1);
    uint window = arg(a, 2);
    if (p.bits < 1 || p.bits > 30 || p.absorb_idx >= GS_P2_RATE || window == 0)
        die("pow: need 1 <= BITS <= 30, ABSORB_IDX < 8, WINDOW > 0");
    Words state = read_input(16);
    for (int i = 0; i < 16; ++i) p.state[i] = state[i];
    Words best{0xffffffffu};
    for (uint64_t first = 0; first < GS_P && best[0] == 0xffffffffu; first += window) {
        p.first_witness = uint32_t(first);
        p.window = uint32_t(std::min<uint64_t>(window, GS_P - first));
        gs_emu::run_grid(p.window, o.group, [&](uint32_t pos) { pow_grind(best.data(), p, pos); });
    }
    write_output(best);
}

}  // namespace gs_emu
