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
        return d;
    }

    void poseidon2_permute(uint32_t* states, size_t count) override {
        parallel_for(count, 256, [&](size_t begin, size_t end) {
            for (size_t i = begin; i < end; ++i) p2_permute_canonical(states + 16 * i);
        });
    }

    void hash_rows(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t* digests) override {
        MerkleParams p{width, 1};
        parallel_for(rows, 256, [&](size_t begin, size_t end) {
            for (size_t r = begin; r < end; ++r) merkle_leaf_body(uint32_t(r), matrix, digests, p);
        });
    }

    void compress(const uint32_t* left, const uint32_t* right, size_t count, uint32_t* out) override {
        parallel_for(count, 256, [&](size_t begin, size_t end) {
            for (size_t i = begin; i < end; ++i)
                compress_digests(left + 8 * i, right + 8 * i, out + 8 * i);
        });
    }

    void ntt(uint32_t* data, NttShape shape, bool inverse, uint32_t shift) override {
        NttParams p{shape.log_n, shape.batch, shape.batch, 1, 0, 0};
        size_t n = size_t(1) << shape.log_n;
        size_t cells = n * shape.batch;
        std::vector<uint32_t> factors = ntt_scale_factors(shape.log_n, inverse, shift);
        if (!inverse && !factors.empty()) scale(data, factors, p, cells);
        // Row-major rows are contiguous: loop over rows (or butterflies) and then over the
        // columns, so the inner loop runs over consecutive words with no index division.
        parallel_for(n, 1024, [&](size_t begin, size_t end) {
            for (size_t row = begin; row < end; ++row) {
                size_t partner = ntt_bit_reverse(uint32_t(row), shape.log_n);
                if (row < partner)
                    std::swap_ranges(data + row * shape.batch, data + (row + 1) * shape.batch, data + partner * shape.batch);
            }
        });
        std::vector<uint32_t> twiddles = ntt_twiddles(shape.log_n, inverse);
        for (uint32_t stage = 0; stage < shape.log_n; ++stage) {
            parallel_for(n / 2, 512, [&](size_t begin, size_t end) {
                for (size_t b = begin; b < end; ++b) {
                    NttButterfly bf = ntt_stage_butterfly(uint32_t(b), stage, shape.log_n);
                    uint32_t* row0 = data + size_t(bf.row0) * shape.batch;
                    uint32_t* row1 = data + size_t(bf.row1) * shape.batch;
                    for (uint32_t col = 0; col < shape.batch; ++col) ntt_butterfly(row0 + col, row1 + col, twiddles[bf.twiddle]);
                }
            });
        }
        if (inverse && !factors.empty()) scale(data, factors, p, cells);
    }

    MerkleTree merkle_tree(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t log_group) override {
        MerkleTree tree;
        tree.matrix.assign(matrix, matrix + rows * width);
        tree.rows = rows;
        tree.width = width;
        tree.log_group = log_group;
        tree.levels.emplace_back(rows * GS_DIGEST_WIDTH);
        hash_rows(matrix, rows, width, tree.levels.back().data());
        for (size_t size = rows / 2, level = 1; size >= 1; size /= 2, ++level) {
            MerkleParams p{width, uint32_t(level <= log_group ? rows >> log_group : 1)};
            std::vector<uint32_t> parents(size * GS_DIGEST_WIDTH);
            const std::vector<uint32_t>& children = tree.levels.back();
            parallel_for(size, 256, [&](size_t begin, size_t end) {
                for (size_t node = begin; node < end; ++node)
                    merkle_compress_body(uint32_t(node), children.data(), parents.data(), p);
            });
            tree.levels.push_back(std::move(parents));
        }
        return tree;
    }

    uint32_t grind(const PowParams& params) override {
        // Scan windows in order; inside a window every thread takes a slice. The first window
        // with a hit holds the smallest witness.
        const uint64_t window = 1u << 16;
        for (uint64_t start = 0; start < GS_P; start += window) {
            std::atomic<uint32_t> best{UINT32_MAX};
            uint64_t count = std::min<uint64_t>(window, GS_P - start);
            parallel_for(count, 1024, [&](size_t begin, size_t end) {
                for (size_t i = begin; i < end; ++i) {
                    uint32_t w = uint32_t(start + i);
                    if (w >= best.load(std::memory_order_relaxed)) return;
                    if (pow_witness_passes(params, w)) {
                        uint32_t cur = best.load();
                        while (w < cur && !best.compare_exchange_weak(cur, w)) {}
                        return;
                    }
                }
            });
            if (best.load() != UINT32_MAX) return best.load();
        }
        throw std::runtime_error("grind: no witness in [0, p) passes");
    }

private:
    static void scale(uint32_t* data, const std::vector<uint32_t>& factors, NttParams p, size_t cells) {
        parallel_for(cells, 4096, [&](size_t begin, size_t end) {
            for (size_t lane = begin; lane < end; ++lane) ntt_scale_body(uint32_t(lane), data, factors.data(), p);
        });
    }
};

}  // namespace

void register_cpu_backend() {
    register_backend("cpu", [] { return std::unique_ptr<Backend>(new CpuBackend()); });
}

}  // namespace gpustark
