// The CPU backend: the same kernel bodies as the devices, run in parallel loops.
#include "cpu_backend.h"

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>

#include "../../core/backend.h"
#include "../../core/ntt_tables.h"
#include "../../core/parallel.h"
#include "../../kernels/merkle/merkle.h"
#include "../../kernels/ntt/ntt.h"
#include "cpu_dag.h"
#include "cpu_ef_tables.h"
#include "../../core/simd/poseidon2_lanes.h"

namespace gpustark {
namespace {

class CpuBackend final : public Backend {
public:
    DeviceInfo info() const override {
        DeviceInfo d;
        d.backend = "cpu";
        d.name = "host CPU";
        d.limits["threads"] = std::to_string(num_threads());
        d.limits["hardware_concurrency"] = std::to_string(std::thread::hardware_concurrency());
        d.limits["poseidon2_lanes"] = std::to_string(kPoseidon2Lanes) + " (" + poseidon2_lanes_isa() + ")";
        return d;
    }

    std::unique_ptr<EfTables> ef_tables(const Ef* values, size_t count, size_t length) override {
        return make_cpu_ef_tables(*this, values, count, length);
    }

    void dag_base_sums(const DagBinding& dag, const DagBasePoints& points, DagSums* out) override {
        cpu_dag_base_sums(dag, points, out);
    }

    void poseidon2_permute(uint32_t* states, size_t count) override {
        for_lane_batches(count, [&](size_t first, size_t n) { p2_permute_lanes(states + 16 * first, n, 16); });
    }

    void hash_rows(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t* digests) override {
        for_lane_batches(rows, [&](size_t first, size_t n) {
            hash_rows_lanes(matrix + first * width, n, width, width, digests + first * GS_DIGEST_WIDTH);
        });
    }

    void compress(const uint32_t* left, const uint32_t* right, size_t count, uint32_t* out) override {
        for_lane_batches(count, [&](size_t first, size_t n) {
            const uint32_t *l[kPoseidon2Lanes], *r[kPoseidon2Lanes];
            uint32_t* o[kPoseidon2Lanes];
            for (size_t i = 0; i < n; ++i) l[i] = left + 8 * (first + i), r[i] = right + 8 * (first + i), o[i] = out + 8 * (first + i);
            compress_lanes(l, r, n, o);
        });
    }

    void ntt(uint32_t* data, NttShape shape, bool inverse, uint32_t shift) override {
        size_t n = size_t(1) << shape.log_n;
        std::vector<uint32_t> factors = ntt_scale_factors(shape.log_n, inverse, shift);
        std::vector<uint32_t> twiddles = ntt_twiddles(shape.log_n, inverse);
        // Few rows and many columns (round 0's chunk transforms): threads take column blocks and
        // run the whole transform on them. Otherwise threads share each pass over the rows.
        const size_t block = 64;
        if (shape.batch >= 2 * block && n <= 1024) {
            parallel_for((shape.batch + block - 1) / block, 1, [&](size_t begin, size_t end) {
                for (size_t b = begin; b < end; ++b) {
                    size_t first = b * block, cols = std::min<size_t>(block, shape.batch - first);
                    transform(data, n, shape, first, first + cols, inverse, factors, twiddles);
                }
            });
            return;
        }
        if (!inverse && !factors.empty()) scale_rows(data, shape, 0, shape.batch, factors, true);
        parallel_for(n, 1024, [&](size_t begin, size_t end) { bit_reverse_rows(data, shape, 0, shape.batch, begin, end); });
        for (uint32_t stage = 0; stage < shape.log_n; ++stage)
            parallel_for(n / 2, 512, [&](size_t begin, size_t end) {
                stage_rows(data, shape, 0, shape.batch, stage, twiddles, begin, end);
            });
        if (inverse && !factors.empty()) scale_rows(data, shape, 0, shape.batch, factors, true);
    }

    MerkleTree merkle_tree(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t log_group) override {
        std::vector<uint32_t> kept(rows * width);
        parallel_for(rows * width, size_t(1) << 16, [&](size_t begin, size_t end) {  // often hundreds of MB
            std::copy(matrix + begin, matrix + end, kept.begin() + begin);
        });
        std::vector<std::vector<uint32_t>> levels;
        levels.emplace_back(rows * GS_DIGEST_WIDTH);
        hash_rows(matrix, rows, width, levels.back().data());
        for (size_t size = rows / 2, level = 1; size >= 1; size /= 2, ++level) {
            MerkleParams p{width, uint32_t(level <= log_group ? rows >> log_group : 1), uint32_t(size)};
            std::vector<uint32_t> parents(size * GS_DIGEST_WIDTH);
            const std::vector<uint32_t>& children = levels.back();
            for_lane_batches(size, [&](size_t first, size_t n) {
                const uint32_t *l[kPoseidon2Lanes], *r[kPoseidon2Lanes];
                uint32_t* o[kPoseidon2Lanes];
                for (size_t i = 0; i < n; ++i) {
                    size_t left = merkle_left_child(uint32_t(first + i), p.child_stride);
                    l[i] = children.data() + left * GS_DIGEST_WIDTH;
                    r[i] = children.data() + (left + p.child_stride) * GS_DIGEST_WIDTH;
                    o[i] = parents.data() + (first + i) * GS_DIGEST_WIDTH;
                }
                compress_lanes(l, r, n, o);
            });
            levels.push_back(std::move(parents));
        }
        return MerkleTree::in_host_memory(std::move(kept), rows, width, log_group, std::move(levels));
    }

    uint32_t grind(const PowParams& params) override {
        // Scan windows in order; inside a window every thread takes a slice. The first window
        // with a hit holds the smallest witness.
        const uint64_t window = 1u << 16;
        for (uint64_t start = 0; start < GS_P; start += window) {
            std::atomic<uint32_t> best{UINT32_MAX};
            uint64_t count = std::min<uint64_t>(window, GS_P - start);
            parallel_for((count + kPoseidon2Lanes - 1) / kPoseidon2Lanes, 128, [&](size_t begin, size_t end) {
                for (size_t batch = begin; batch < end; ++batch) {
                    uint32_t first = uint32_t(start + batch * kPoseidon2Lanes);
                    if (first >= best.load(std::memory_order_relaxed)) return;
                    uint32_t mask = pow_check_lanes(params, first);
                    if (uint64_t(first) + kPoseidon2Lanes > GS_P) mask &= (1u << (GS_P - first)) - 1u;  // w < p only
                    if (mask == 0) continue;
                    uint32_t w = first + uint32_t(__builtin_ctz(mask));  // the lowest passing lane
                    uint32_t cur = best.load();
                    while (w < cur && !best.compare_exchange_weak(cur, w)) {}
                    return;
                }
            });
            if (best.load() != UINT32_MAX) return best.load();
        }
        throw std::runtime_error("grind: no witness in [0, p) passes");
    }

private:
    // fn(first, n) over [0, count) in batches of at most kPoseidon2Lanes, in parallel.
    template <class Fn>
    static void for_lane_batches(size_t count, Fn fn) {
        size_t batches = (count + kPoseidon2Lanes - 1) / kPoseidon2Lanes;
        parallel_for(batches, 32, [&](size_t begin, size_t end) {
            for (size_t b = begin; b < end; ++b) {
                size_t first = b * kPoseidon2Lanes;
                fn(first, std::min(kPoseidon2Lanes, count - first));
            }
        });
    }

    // The transform on columns [c0, c1) only, sequentially.
    static void transform(uint32_t* data, size_t n, NttShape shape, size_t c0, size_t c1, bool inverse,
                          const std::vector<uint32_t>& factors, const std::vector<uint32_t>& twiddles) {
        if (!inverse && !factors.empty()) scale_rows(data, shape, c0, c1, factors, false);
        bit_reverse_rows(data, shape, c0, c1, 0, n);
        for (uint32_t stage = 0; stage < shape.log_n; ++stage) stage_rows(data, shape, c0, c1, stage, twiddles, 0, n / 2);
        if (inverse && !factors.empty()) scale_rows(data, shape, c0, c1, factors, false);
    }

    static void bit_reverse_rows(uint32_t* data, NttShape shape, size_t c0, size_t c1, size_t begin, size_t end) {
        for (size_t row = begin; row < end; ++row) {
            size_t partner = ntt_bit_reverse(uint32_t(row), shape.log_n);
            if (row < partner)
                std::swap_ranges(data + row * shape.batch + c0, data + row * shape.batch + c1, data + partner * shape.batch + c0);
        }
    }

    static void stage_rows(uint32_t* data, NttShape shape, size_t c0, size_t c1, uint32_t stage,
                           const std::vector<uint32_t>& twiddles, size_t begin, size_t end) {
        for (size_t b = begin; b < end; ++b) {
            NttButterfly bf = ntt_stage_butterfly(uint32_t(b), stage, shape.log_n);
            uint32_t* row0 = data + size_t(bf.row0) * shape.batch;
            uint32_t* row1 = data + size_t(bf.row1) * shape.batch;
            for (size_t col = c0; col < c1; ++col) ntt_butterfly(row0 + col, row1 + col, twiddles[bf.twiddle]);
        }
    }

    // data[row][c0..c1) *= factors[row] (Montgomery form), in parallel over rows if asked.
    static void scale_rows(uint32_t* data, NttShape shape, size_t c0, size_t c1, const std::vector<uint32_t>& factors,
                           bool parallel) {
        size_t n = size_t(1) << shape.log_n;
        auto rows = [&](size_t begin, size_t end) {
            for (size_t row = begin; row < end; ++row)
                for (size_t col = c0; col < c1; ++col) {
                    uint32_t& x = data[row * shape.batch + col];
                    x = fp_mul(fp_raw(x), fp_raw(factors[row])).m;
                }
        };
        if (parallel) parallel_for(n, 256, rows);
        else rows(0, n);
    }
};

}  // namespace

void register_cpu_backend() {
    register_backend("cpu", [] { return std::unique_ptr<Backend>(new CpuBackend()); });
}

}  // namespace gpustark
