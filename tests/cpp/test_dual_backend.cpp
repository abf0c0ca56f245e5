// The dual backend: dual:cpu,cpu agrees with cpu; a backend with one planted fault is caught, and
// the message names the primitive, the position and both values.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends/builtin.h"
#include "backends/dual/dual_backend.h"
#include "core/backend.h"

namespace {

using gpustark::Backend;
using gpustark::DualBackend;
using gpustark::MerkleTree;

enum class Fault { Permute, HashRows, Compress, Ntt, MerkleNode, Grind };

uint32_t bump(uint32_t v) { return (v + 1) % GS_P; }

// The CPU backend with one wrong output word (or a witness that passes but is not the smallest),
// the kind of bug a device backend has: right almost everywhere.
class FaultyBackend final : public Backend {
public:
    FaultyBackend(Backend& inner, Fault fault) : inner_(inner), fault_(fault) {}

    gpustark::DeviceInfo info() const override {
        gpustark::DeviceInfo d = inner_.info();
        d.backend = "faulty";
        return d;
    }
    void poseidon2_permute(uint32_t* states, size_t count) override {
        inner_.poseidon2_permute(states, count);
        if (fault_ == Fault::Permute) states[16 * 1 + 5] = bump(states[16 * 1 + 5]);
    }
    void hash_rows(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t* digests) override {
        inner_.hash_rows(matrix, rows, width, digests);
        if (fault_ == Fault::HashRows) digests[8 * 2 + 3] = bump(digests[8 * 2 + 3]);
    }
    void compress(const uint32_t* left, const uint32_t* right, size_t count, uint32_t* out) override {
        inner_.compress(left, right, count, out);
        if (fault_ == Fault::Compress) out[8 * 1 + 0] = bump(out[8 * 1 + 0]);
    }
    void ntt(uint32_t* data, gpustark::NttShape shape, bool inverse, uint32_t shift) override {
        inner_.ntt(data, shape, inverse, shift);
        if (fault_ == Fault::Ntt) data[5 * shape.batch + 1] = bump(data[5 * shape.batch + 1]);
    }
    MerkleTree merkle_tree(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t log_group) override {
        MerkleTree tree = inner_.merkle_tree(matrix, rows, width, log_group);
        if (fault_ != Fault::MerkleNode) return tree;
        std::vector<gpustark::HostVector<uint32_t>> levels;
        for (uint32_t k = 0; k < tree.num_levels(); ++k) levels.push_back(gpustark::host_copy(tree.level(k)));
        levels[2][8 * 1 + 4] = bump(levels[2][8 * 1 + 4]);
        return MerkleTree::in_host_memory(gpustark::host_copy(tree.matrix()), rows, width, log_group, std::move(levels));
    }
    uint32_t grind(const PowParams& params) override {
        uint32_t w = inner_.grind(params);
        if (fault_ == Fault::Grind)  // the next passing witness: valid, so only the comparison can tell
            do ++w; while (!pow_witness_passes(params, w));
        return w;
    }
    std::unique_ptr<gpustark::EfTables> ef_tables(const Ef* values, size_t count, size_t length) override {
        return inner_.ef_tables(values, count, length);
    }
    void dag_base_sums(const gpustark::DagBinding& dag, const gpustark::DagBasePoints& points,
                       DagSums* out) override {
        inner_.dag_base_sums(dag, points, out);
    }

private:
    Backend& inner_;
    Fault fault_;
};

Backend& cpu() {
    gpustark::register_builtin_backends();
    return gpustark::get_backend("cpu");
}

std::vector<uint32_t> random_words(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<uint32_t> v(n);
    for (auto& x : v) x = rng() % GS_P;
    return v;
}

PowParams pow_params(uint32_t bits) {
    PowParams p{};
    std::vector<uint32_t> state = random_words(16, 9);
    std::copy(state.begin(), state.end(), p.state);
    p.absorb_idx = 3;
    p.bits = bits;
    return p;
}

// Runs one primitive with the given inputs; each case plants its fault at a known position.
struct Case {
    Fault fault;
    std::function<void(Backend&)> run;
    std::string primitive, position;
};

std::vector<Case> cases() {
    auto states = random_words(3 * 16, 1), matrix = random_words(16 * 3, 2), pairs = random_words(2 * 3 * 8, 3);
    return {
        {Fault::Permute, [=](Backend& b) { auto s = states; b.poseidon2_permute(s.data(), 3); },
         "poseidon2_permute (3 states)", "state 1, lane 5"},
        {Fault::HashRows, [=](Backend& b) { std::vector<uint32_t> d(16 * 8); b.hash_rows(matrix.data(), 16, 3, d.data()); },
         "hash_rows (16 x 3)", "row 2, digest word 3"},
        {Fault::Compress, [=](Backend& b) { std::vector<uint32_t> o(3 * 8); b.compress(pairs.data(), pairs.data() + 24, 3, o.data()); },
         "compress (3 pairs)", "pair 1, digest word 0"},
        {Fault::Ntt, [=](Backend& b) { auto d = matrix; b.ntt(d.data(), {4, 3}, false, 31); },
         "forward ntt (2^4 x 3, shift 31)", "row 5, column 1"},
        {Fault::MerkleNode, [=](Backend& b) { b.merkle_tree(matrix.data(), 16, 3, 1); },
         "merkle_tree (16 x 3, log_group 1)", "level 2, node 1, digest word 4"},
        {Fault::Grind, [](Backend& b) { b.grind(pow_params(4)); }, "grind (4 bits)", "the witness"},
    };
}

std::string failure(const std::function<void(Backend&)>& run, Backend& b) {
    try {
        run(b);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

void expect_contains(const std::string& message, const std::string& part) {
    EXPECT_NE(message.find(part), std::string::npos) << "expected '" << part << "' in: " << message;
}

TEST(DualBackend, EachPlantedFaultIsCaughtAndNamed) {
    for (const Case& c : cases()) {
        FaultyBackend faulty(cpu(), c.fault);
        DualBackend dual(cpu(), faulty);
        std::string message = failure(c.run, dual);
        SCOPED_TRACE(c.primitive);
        ASSERT_FALSE(message.empty()) << "the fault went unnoticed";
        expect_contains(message, c.primitive + " differs between cpu and faulty at " + c.position + ": cpu = ");
        expect_contains(message, ", faulty = ");
    }
}

TEST(DualBackend, MessageCarriesBothValues) {
    std::vector<uint32_t> data = random_words(16 * 3, 4), good = data;
    cpu().ntt(good.data(), {4, 3}, true, 1);
    FaultyBackend faulty(cpu(), Fault::Ntt);
    DualBackend dual(faulty, cpu());  // the faulty side as A: the message follows the order
    std::string message = failure([&](Backend& b) { b.ntt(data.data(), {4, 3}, true, 1); }, dual);
    uint32_t right = good[5 * 3 + 1];
    expect_contains(message, "inverse ntt (2^4 x 3, shift 1) differs between faulty and cpu at row 5, column 1: faulty = " +
                                 std::to_string(bump(right)) + ", cpu = " + std::to_string(right));
}

TEST(DualBackend, GrindReportsBothWitnesses) {
    FaultyBackend faulty(cpu(), Fault::Grind);
    DualBackend dual(cpu(), faulty);
    uint32_t smallest = cpu().grind(pow_params(4)), bigger = faulty.grind(pow_params(4));
    ASSERT_GT(bigger, smallest);
    expect_contains(failure([](Backend& b) { b.grind(pow_params(4)); }, dual),
                    "the witness: cpu = " + std::to_string(smallest) + ", faulty = " + std::to_string(bigger));
}

TEST(DualBackend, CpuCpuAgreesAndReturnsTheCpuResults) {
    cpu();
    Backend& dual = gpustark::get_backend("dual:cpu,cpu");
    EXPECT_EQ(&dual, &gpustark::get_backend("dual:cpu,cpu"));  // made once, then kept
    EXPECT_EQ(dual.info().backend, "dual:cpu,cpu");
    EXPECT_EQ(dual.info().limits.at("a.threads"), cpu().info().limits.at("threads"));
    EXPECT_TRUE(dual.info().limits.count("b.threads"));

    for (const Case& c : cases()) EXPECT_EQ(failure(c.run, dual), "") << c.primitive;

    std::vector<uint32_t> a = random_words(64 * 2, 5), b = a;
    dual.ntt(a.data(), {6, 2}, false, 7);
    cpu().ntt(b.data(), {6, 2}, false, 7);
    EXPECT_EQ(a, b);
    std::vector<uint32_t> matrix = random_words(32 * 5, 6);
    MerkleTree td = dual.merkle_tree(matrix.data(), 32, 5, 2), tc = cpu().merkle_tree(matrix.data(), 32, 5, 2);
    ASSERT_EQ(td.num_levels(), tc.num_levels());
    for (uint32_t k = 0; k < td.num_levels(); ++k) EXPECT_EQ(td.level(k), tc.level(k)) << "level " << k;
    EXPECT_EQ(td.matrix(), matrix);
    EXPECT_EQ(dual.grind(pow_params(6)), cpu().grind(pow_params(6)));
}

TEST(DualBackend, RegistryRejectsMalformedAndUnknownParts) {
    cpu();
    for (const char* name : {"dual:cpu", "dual:", "dual:cpu,", "dual:cpu,cpu,cpu"}) {
        try {
            gpustark::get_backend(name);
            ADD_FAILURE() << name << " was accepted";
        } catch (const std::invalid_argument& e) {
            expect_contains(e.what(), "expected dual:A,B");
        }
    }
    try {
        gpustark::get_backend("dual:cpu,nope");
        ADD_FAILURE() << "dual:cpu,nope was accepted";
    } catch (const std::invalid_argument& e) {
        expect_contains(e.what(), "unknown backend 'nope'");
    }
}

}  // namespace
