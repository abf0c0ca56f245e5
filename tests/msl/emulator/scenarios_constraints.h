// Scenarios of metal/trace_tables.metal and metal/round0.metal: the batch-constraint inputs built
// from a trace on the device, and round 0's eq-weighted sums. Included by emulator.cpp.
#pragma once
#include "scenario_io.h"

namespace gs_emu {

inline void check_trace(uint32_t width, uint32_t log_height, uint32_t l_skip) {
    if (width == 0 || log_height > 16 || l_skip > 8) die("need WIDTH > 0, LOG_HEIGHT <= 16 and L_SKIP <= 8 here");
}

// args: WIDTH LOG_HEIGHT L_SKIP. in: the 2^LOG_HEIGHT x WIDTH trace, the 2^L_SKIP Lagrange
// weights (Ef), then the eq table (Ef, one per chunk: 2^max(LOG_HEIGHT - L_SKIP, 0)); out: the
// 2 WIDTH + 4 tables of one entry per chunk, the last (eq) put there by the host, as CUDA's does.
void scenario_trace_tables(const Args& a, const Options& o) {
    uint32_t width = arg(a, 0), log_height = arg(a, 1), l_skip = arg(a, 2);
    check_trace(width, log_height, l_skip);
    const size_t height = size_t(1) << log_height, n = size_t(1) << l_skip;
    const size_t length = log_height > l_skip ? height / n : 1, count = 2 * size_t(width) + 4;
    Input in(height * width + 4 * n + 4 * length);
    Words trace = in.words(height * width);
    std::vector<Ef> lagrange = in.efs(n), eq = in.efs(length);
    std::vector<Ef> tables(count * length, ef_zero());
    std::copy(eq.begin(), eq.end(), tables.begin() + (count - 1) * length);
    TraceTablesParams p{};
    p.length = length;
    p.lanes = length * (count - 1);
    p.width = width;
    p.log_height = log_height;
    p.l_skip = l_skip;
    run_lanes(p.lanes, o, [&](uint32_t pos, uint32_t threads) {
        trace_tables(trace.data(), lagrange.data(), tables.data(), p, pos, threads);
    });
    write_output(tables);
}

// args: WIDTH LOG_HEIGHT L_SKIP FIRST COUNT COSET. in: the 2^LOG_HEIGHT x WIDTH trace, then with
// COSET != 0 the coset's powers (canonical: w^-k, w^k for k < N/2, then s^j / N for j < N);
// out: the (WIDTH + 3) x COUNT x 2^L_SKIP local words, then the WIDTH x COUNT x 2^L_SKIP next
// words (Montgomery form, as the kernel writes them).
void scenario_round0_gather(const Args& a, const Options& o) {
    uint32_t width = arg(a, 0), log_height = arg(a, 1), l_skip = arg(a, 2);
    uint32_t first = arg(a, 3), count = arg(a, 4), coset = arg(a, 5);
    check_trace(width, log_height, l_skip);
    if (l_skip > GS_REGISTER_DFT_MAX_LOG) die("round0_gather: 2^L_SKIP exceeds the register DFT's chunk");
    const size_t height = size_t(1) << log_height, n = size_t(1) << l_skip;
    const size_t tables = coset ? 2 * (n / 2) + n : 0;
    Input in(height * width + tables);
    Words trace = in.words(height * width);
    std::vector<Fp> powers = in.fps(tables);
    Round0GatherParams p = {};
    p.first = first;
    p.count = count;
    p.lanes = uint64_t(count) * (width + 3);
    p.width = width;
    p.log_height = log_height;
    p.l_skip = l_skip;
    p.coset = coset ? 1u : 0u;
    Words local(n * count * (width + 3), kScratchPoison), next(n * count * width, kScratchPoison);
    run_lanes(p.lanes, o, [&](uint32_t pos, uint32_t threads) {
        round0_gather(trace.data(), local.data(), next.data(), powers.data(), p, pos, threads);
    });
    local.insert(local.end(), next.begin(), next.end());
    write_output(local);
}

// args: EVALS L_SKIP CHUNKS BLOCK PIECES. in: the eq table (CHUNKS Ef), then the DAG sums of each
// block of BLOCK chunks (the last may be shorter) in turn, EVALS x COUNT x 2^L_SKIP DagSums a block
// (constraint, numerator, denominator: 3 Ef), as round0_gather's layout puts them. round0_eq_sums
// into partials that start at zero, block after block, then round0_piece_sums; out: the EVALS x
// 2^L_SKIP totals (3 Ef each).
void scenario_round0_eq_sums(const Args& a, const Options& o) {
    uint32_t evals = arg(a, 0), l_skip = arg(a, 1), chunks = arg(a, 2), block = arg(a, 3), pieces = arg(a, 4);
    if (evals == 0 || block == 0 || pieces == 0 || l_skip > 8 || chunks > (1u << 16)) die("round0_eq_sums: bad shape");
    const size_t n = size_t(1) << l_skip;
    Input in(4 * size_t(chunks) + 12 * size_t(evals) * n * chunks);
    std::vector<Ef> eq = in.efs(chunks), all = in.efs(3 * size_t(evals) * n * chunks);
    Round0EqSumsParams p{};
    p.lanes = uint64_t(evals) * pieces * n;
    p.l_skip = l_skip;
    p.pieces = pieces;
    std::vector<DagSums> partials(p.lanes, DagSums{ef_zero(), ef_zero(), ef_zero()});
    for (uint32_t first = 0; first < chunks; first += block) {
        const uint32_t count = std::min(block, chunks - first);
        std::vector<DagSums> sums(size_t(evals) * n * count);
        for (size_t i = 0; i < sums.size(); ++i) {
            const Ef* e = all.data() + 3 * (size_t(evals) * n * first + i);
            sums[i] = DagSums{e[0], e[1], e[2]};
        }
        p.first = first;
        p.count = count;
        run_lanes(p.lanes, o, [&](uint32_t pos, uint32_t threads) {
            round0_eq_sums(sums.data(), eq.data(), partials.data(), p, pos, threads);
        });
    }
    Round0PieceSumsParams q{uint64_t(evals) * n, l_skip, pieces};
    std::vector<DagSums> totals(q.lanes);
    run_lanes(q.lanes, o, [&](uint32_t pos, uint32_t threads) {
        round0_piece_sums(partials.data(), totals.data(), q, pos, threads);
    });
    std::vector<Ef> out;
    for (const DagSums& t : totals) out.insert(out.end(), {t.constraint, t.numerator, t.denominator});
    write_output(out);
}

}  // namespace gs_emu
