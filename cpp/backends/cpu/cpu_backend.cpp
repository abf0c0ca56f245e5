// The CPU backend: the same kernel bodies as the devices, run in parallel loops.
#include "cpu_backend.h"

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>

#include "../../core/backend.h"
#include "../../core/host_memory.h"
#include "../../core/cpu_count.h"
#include "../../core/parallel.h"
#include "../../kernels/merkle/merkle.h"
#include "cpu_dag.h"
#include "cpu_ntt.h"
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
        d.limits["available_cpus"] = std::to_string(available_cpus());  // affinity and cgroup quota
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

    void ntt(uint32_t* data, NttShape shape, bool inverse, uint32_t shift) override { cpu_ntt(data, shape, inverse, shift); }

    MerkleTree merkle_tree(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t log_group) override {
        HostVector<uint32_t> kept = uninitialized_vector<uint32_t>(rows * width);
        parallel_copy(matrix, rows * width, kept.data());  // often hundreds of MB
        return tree_over(std::move(kept), rows, width, log_group);
    }

    // The codeword goes into the tree as it is: no copy of hundreds of MB.
    MerkleTree encode_and_commit(const uint32_t* message, size_t message_rows, uint32_t width, uint32_t log_rows,
                                 uint32_t log_group) override {
        return tree_over(encode_codeword(message, message_rows, width, log_rows), size_t(1) << log_rows, width, log_group);
    }

    // The tree over a matrix it keeps.
    MerkleTree tree_over(HostVector<uint32_t> matrix, size_t rows, uint32_t width, uint32_t log_group) {
        std::vector<HostVector<uint32_t>> levels;
        levels.push_back(uninitialized_vector<uint32_t>(rows * GS_DIGEST_WIDTH));  // every digest written below
        hash_rows(matrix.data(), rows, width, levels.back().data());
        for (size_t size = rows / 2, level = 1; size >= 1; size /= 2, ++level) {
            MerkleParams p{width, uint32_t(level <= log_group ? rows >> log_group : 1), uint32_t(size), 0};
            HostVector<uint32_t> parents = uninitialized_vector<uint32_t>(size * GS_DIGEST_WIDTH);
            const HostVector<uint32_t>& children = levels.back();
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
        return MerkleTree::in_host_memory(std::move(matrix), rows, width, log_group, std::move(levels));
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
                    uint64_t first = start + batch * kPoseidon2Lanes;
                    if (first >= best.load(std::memory_order_relaxed)) return;
                    uint32_t w = first_passing_witness(params, first, kPoseidon2Lanes);
                    if (w == UINT32_MAX) continue;
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
};

}  // namespace

void register_cpu_backend() {
    register_backend("cpu", [] { return std::unique_ptr<Backend>(new CpuBackend()); });
}

}  // namespace gpustark
