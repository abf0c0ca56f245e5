// MetalBackend over the fake device (test_metal_fake_device.h), which runs the real metal/*.metal
// kernels at wait(): every primitive against the CPU backend, the launch plans the backend derives
// from recorded Apple limits, the stager's command buffers, in-place binding of Metal buffers,
// and the errors for what the kernels cannot take.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends/builtin.h"
#include "backends/dual/dual_backend.h"
#include "backends/metal/metal_backend.h"
#include "core/backend.h"
#include "core/transcript.h"
#include "prover/stacked_pcs.h"
#include "test_metal_fake_device.h"

namespace {

using gpustark::Backend;
using gpustark::MetalBackend;
using gpustark::MetalOptions;
using gpustark::SumcheckRoundKind;
using gpustark::SumcheckRounds;
using gpustark::Transcript;
using gpustark::device::StageCounters;
using test_metal::FakeDevice;
using test_metal::FakeOptions;

Backend& cpu() {
    gpustark::register_builtin_backends();
    return gpustark::get_backend("cpu");
}

struct Rig {
    FakeDevice* device;  // owned by the backend
    std::unique_ptr<MetalBackend> backend;
};

Rig make_rig(FakeOptions fake = {}, MetalOptions options = {}) {
    auto device = std::make_unique<FakeDevice>(std::move(fake));
    FakeDevice* raw = device.get();
    return {raw, std::make_unique<MetalBackend>(std::move(device), std::move(options))};
}

std::vector<uint32_t> random_words(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<uint32_t> v(n);
    for (uint32_t& x : v) x = rng() % GS_P;
    return v;
}

// Small threadgroup memory, so that the block NTT covers only the first 6 stages and ntt_stage
// runs the rest.
FakeOptions small_scratch() {
    FakeOptions o;
    o.limits.max_group_scratch_bytes = 256;
    return o;
}

StageCounters counters(uint64_t buffers, uint64_t kernels, uint64_t syncs) {
    StageCounters c;
    c.command_buffer_count = buffers;
    c.kernel_count = kernels;
    c.sync_count = syncs;
    return c;
}

// ---- the primitives against the CPU ----

TEST(MetalBackend, Poseidon2MatchesCpu) {
    Rig rig = make_rig();
    for (size_t count : {1u, 37u, 300u}) {
        std::vector<uint32_t> want = random_words(count * 16, uint32_t(count)), got = want;
        cpu().poseidon2_permute(want.data(), count);
        rig.backend->poseidon2_permute(got.data(), count);
        EXPECT_EQ(got, want) << count;
    }
}

TEST(MetalBackend, HashRowsMatchesCpu) {
    Rig rig = make_rig();
    for (uint32_t width : {0u, 1u, 8u, 13u, 40u}) {
        const size_t rows = 19;
        const std::vector<uint32_t> matrix = random_words(rows * width, width);
        std::vector<uint32_t> want(rows * 8), got(rows * 8, 1);
        cpu().hash_rows(matrix.data(), rows, width, want.data());
        rig.backend->hash_rows(matrix.data(), rows, width, got.data());
        EXPECT_EQ(got, want) << "width " << width;
    }
}

TEST(MetalBackend, CompressMatchesCpu) {
    Rig rig = make_rig();
    for (size_t count : {1u, 21u}) {
        const std::vector<uint32_t> left = random_words(count * 8, 1), right = random_words(count * 8, 2);
        std::vector<uint32_t> want(count * 8), got(count * 8);
        cpu().compress(left.data(), right.data(), count, want.data());
        rig.backend->compress(left.data(), right.data(), count, got.data());
        EXPECT_EQ(got, want) << count;
    }
}

// Default scratch: one block pass; 256 bytes: blocks of 2^6 rows of one column or 2^4 rows of
// three, so 9 stages of three columns take three block passes; 8 bytes: no room for a block, one
// ntt_stage per stage.
TEST(MetalBackend, NttMatchesCpuInOneOrSeveralBlockPassesOrStagePasses) {
    FakeOptions no_room;
    no_room.limits.max_group_scratch_bytes = 8;
    for (int config = 0; config < 3; ++config) {
        Rig rig = make_rig(config == 0 ? FakeOptions{} : config == 1 ? small_scratch() : no_room);
        size_t most_blocks = 0;
        for (uint32_t log_n : {1u, 3u, 7u, 9u})
            for (uint32_t batch : {1u, 3u})
                for (bool inverse : {false, true})
                    for (uint32_t shift : {1u, 31u}) {
                        std::vector<uint32_t> want = random_words((size_t(1) << log_n) * batch, log_n), got = want;
                        cpu().ntt(want.data(), {log_n, batch}, inverse, shift);
                        const size_t before = rig.device->launches().size();
                        rig.backend->ntt(got.data(), {log_n, batch}, inverse, shift);
                        EXPECT_EQ(got, want) << "config " << config << " log_n " << log_n << " batch " << batch
                                             << " inverse " << inverse << " shift " << shift;
                        size_t blocks = 0;
                        for (size_t i = before; i < rig.device->launches().size(); ++i)
                            blocks += rig.device->launches()[i].kernel == "ntt_block";
                        most_blocks = std::max(most_blocks, blocks);
                    }
        bool stages = false;
        for (const auto& l : rig.device->launches()) stages = stages || l.kernel == "ntt_stage";
        EXPECT_EQ(stages, config == 2) << "ntt_stage runs only without room for a block";
        EXPECT_EQ(most_blocks, size_t(config == 0 ? 1 : config == 1 ? 3 : 0)) << "config " << config;
    }
}

TEST(MetalBackend, MerkleTreeMatchesCpuAndOpensFromSharedBuffers) {
    Rig rig = make_rig();
    for (uint32_t log_group : {0u, 1u, 3u}) {
        const size_t rows = 64;
        const uint32_t width = 5;
        const std::vector<uint32_t> matrix = random_words(rows * width, log_group);
        gpustark::MerkleTree want = cpu().merkle_tree(matrix.data(), rows, width, log_group);
        gpustark::MerkleTree got = rig.backend->merkle_tree(matrix.data(), rows, width, log_group);
        EXPECT_EQ(got.root(), want.root());
        ASSERT_EQ(got.num_levels(), want.num_levels());
        for (uint32_t k = 0; k < got.num_levels(); ++k) EXPECT_EQ(got.level(k), want.level(k)) << "level " << k;
        EXPECT_EQ(got.matrix(), matrix);
        const std::vector<size_t> queries{0, 3, got.num_queries() - 1};
        const auto a = got.open_many(queries), b = want.open_many(queries);
        for (size_t q = 0; q < queries.size(); ++q) {
            EXPECT_EQ(a[q].rows, b[q].rows);
            EXPECT_EQ(a[q].path, b[q].path);
        }
    }
}

TEST(MetalBackend, EncodeAndCommitMatchesCpu) {
    Rig rig = make_rig(small_scratch());
    const uint32_t width = 3, log_rows = 8, log_group = 1;
    const size_t message_rows = 40;
    const std::vector<uint32_t> message = random_words(message_rows * width, 9);
    gpustark::MerkleTree want = cpu().encode_and_commit(message.data(), message_rows, width, log_rows, log_group);
    gpustark::MerkleTree got = rig.backend->encode_and_commit(message.data(), message_rows, width, log_rows, log_group);
    EXPECT_EQ(got.matrix(), want.matrix());  // the zero rows beyond the message, despite poisoned buffers
    EXPECT_EQ(got.root(), want.root());
    EXPECT_EQ(got.open(5).path, want.open(5).path);
}

TEST(MetalBackend, GrindFindsTheSmallestWitnessAcrossWindows) {
    MetalOptions options;
    options.grind_min_window = 64;
    options.grind_max_window = 512;  // small windows: bits 9 and up need several
    Rig rig = make_rig({}, options);
    PowParams p{};
    const std::vector<uint32_t> state = random_words(16, 5);
    std::copy(state.begin(), state.end(), p.state);
    for (uint32_t bits : {1u, 4u, 9u, 11u}) {
        p.bits = bits;
        p.absorb_idx = bits % 8;
        EXPECT_EQ(rig.backend->grind(p), cpu().grind(p)) << bits << " bits";
    }
}

TEST(MetalBackend, DualBackendFindsNoDifference) {
    Rig rig = make_rig(small_scratch());
    gpustark::DualBackend dual(cpu(), *rig.backend);
    std::vector<uint32_t> data = random_words(256 * 4, 3);
    dual.ntt(data.data(), {8, 4}, false, 1);
    std::vector<uint32_t> digests(256 * 8);
    dual.hash_rows(data.data(), 256, 4, digests.data());
    dual.merkle_tree(data.data(), 256, 4, 2);
}

// ---- plans from the limits, never from constants ----

TEST(MetalBackend, LaunchesFollowEachPipelinesLimits) {
    FakeOptions fake;
    fake.limits = test_metal::apple_m3_max();
    fake.pipelines["poseidon2_permute"] = {192, 0, 32};   // register-heavy: fewer threads than the device
    fake.pipelines["merkle_leaf"] = {24, 0, 32};          // below one SIMD group
    fake.pipelines["ntt_block"] = {1024, 4096, 32};       // static threadgroup memory of its own
    Rig rig = make_rig(fake);
    std::vector<uint32_t> states = random_words(5000 * 16, 1);
    rig.backend->poseidon2_permute(states.data(), 5000);
    std::vector<uint32_t> digests(5000 * 8);
    rig.backend->hash_rows(states.data(), 5000, 16, digests.data());
    std::vector<uint32_t> column = random_words(1 << 14, 2);
    rig.backend->ntt(column.data(), {14, 1}, false, 1);
    for (const auto& l : rig.device->launches()) {
        const auto p = rig.backend->pipeline_limits(l.kernel);
        SCOPED_TRACE(l.kernel);
        EXPECT_LE(l.group, p.max_total_threads);
        if (l.kernel != "ntt_block") EXPECT_LE(l.group, rig.backend->options().max_lane_group);
        if (p.max_total_threads >= 32) EXPECT_EQ(l.group % 32, 0u);
        EXPECT_LE(l.scratch_bytes + p.static_scratch_bytes, fake.limits.max_group_scratch_bytes);
    }
    auto info = rig.backend->info().limits;
    EXPECT_EQ(info.at("kernel.poseidon2_permute.group_threads"), "192");
    EXPECT_EQ(info.at("kernel.merkle_leaf.group_threads"), "24");
    // 32 KiB less 4 KiB static: blocks of 2^12 rows (16 KiB), not 2^13 (32 KiB).
    EXPECT_EQ(info.at("ntt_log_block"), "12");
    EXPECT_EQ(info.at("max_threadgroup_memory_bytes"), "32768");
}

TEST(MetalBackend, SmallerThreadgroupMemoryGivesSmallerNttBlocks) {
    FakeOptions fake;
    fake.limits.max_group_scratch_bytes = 8192;
    Rig rig = make_rig(fake);
    EXPECT_EQ(rig.backend->info().limits.at("ntt_log_block"), "11");
    std::vector<uint32_t> want = random_words(1 << 12, 4), got = want;
    cpu().ntt(want.data(), {12, 1}, true, 1);
    rig.backend->ntt(got.data(), {12, 1}, true, 1);
    EXPECT_EQ(got, want);
}

// ---- staging: dispatches per command buffer, waits only where the host reads ----

TEST(MetalBackend, CommandBuffersCommitByTheDispatchBudgetAndWaitOnce) {
    MetalOptions options;
    options.stager.max_dispatches = 4;
    Rig rig = make_rig(small_scratch(), options);
    std::vector<uint32_t> data = random_words(1 << 20, 1);
    rig.device->clear_trace();
    // Blocks of at most 2^6 rows: bit reverse, then four block passes of stages 0..4, 5..9,
    // 10..14, 15..19 (20 stages over ceil(20 / 6) passes): five dispatches, two command
    // buffers, one wait.
    rig.backend->ntt(data.data(), {20, 1}, false, 1);
    EXPECT_EQ(rig.device->trace(),
              "begin encode:ntt_bit_reverse encode:ntt_block encode:ntt_block encode:ntt_block commit "
              "begin encode:ntt_block commit wait");
    EXPECT_EQ(rig.backend->stager().stages().at("ntt"), counters(2, 5, 1));
}

TEST(MetalBackend, TheByteBudgetCommitsEarly) {
    MetalOptions options;
    options.stager.max_bytes = 1;  // every dispatch reaches it
    Rig rig = make_rig(small_scratch(), options);
    const std::vector<uint32_t> matrix = random_words(16 * 4, 1);
    rig.backend->merkle_tree(matrix.data(), 16, 4, 0);
    // leaves + 4 compress levels, each its own command buffer; one wait for the root.
    EXPECT_EQ(rig.backend->stager().stages().at("merkle_tree"), counters(5, 5, 1));
}

TEST(MetalBackend, EveryPrimitiveWaitsExactlyOnce) {
    Rig rig = make_rig();
    std::vector<uint32_t> a = random_words(64 * 16, 1), out(64 * 8);
    rig.backend->poseidon2_permute(a.data(), 64);
    rig.backend->hash_rows(a.data(), 64, 16, out.data());
    rig.backend->compress(a.data(), a.data() + 512, 64, out.data());
    for (const char* stage : {"poseidon2_permute", "hash_rows", "compress"})
        EXPECT_EQ(rig.backend->stager().stages().at(stage), counters(1, 1, 1)) << stage;
}

// ---- unified memory: Metal buffers are bound where they are ----

TEST(MetalBackend, MemoryInAMetalBufferIsBoundInPlace) {
    Rig rig = make_rig();
    const size_t count = 20;
    gpustark::metal::BufferPtr states = rig.backend->new_buffer(count * 16 * 4);
    gpustark::metal::BufferPtr digests = rig.backend->new_buffer(count * 8 * 4 + 64);
    EXPECT_EQ(states->as<uint32_t>()[7], 0u);  // zero-filled for the caller
    std::vector<uint32_t> want = random_words(count * 16, 3);
    std::copy(want.begin(), want.end(), states->as<uint32_t>());
    EXPECT_TRUE(rig.backend->holds(states->as<uint32_t>() + 16, 64));
    EXPECT_FALSE(rig.backend->holds(states->as<uint32_t>() + 16, count * 64));  // past the end
    EXPECT_FALSE(rig.backend->holds(want.data(), 64));

    rig.device->clear_launches();
    rig.backend->poseidon2_permute(states->as<uint32_t>(), count);
    cpu().poseidon2_permute(want.data(), count);
    EXPECT_TRUE(std::equal(want.begin(), want.end(), states->as<uint32_t>()));
    ASSERT_EQ(rig.device->launches().size(), 1u);
    EXPECT_EQ(rig.device->launches()[0].args[0].buffer, states);  // no copy in, none out

    // Output into a buffer at an offset: the kernel writes it there.
    uint32_t* out = digests->as<uint32_t>() + 16;
    rig.backend->hash_rows(states->as<uint32_t>(), count, 16, out);
    const auto& leaf = rig.device->launches().back();
    EXPECT_EQ(leaf.args[1].buffer, digests);
    EXPECT_EQ(leaf.args[1].offset, 64u);
    std::vector<uint32_t> expected(count * 8);
    cpu().hash_rows(want.data(), count, 16, expected.data());
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(), out));
}

TEST(MetalBackend, DeviceMemoryCountsEveryBuffer) {
    Rig rig = make_rig();
    rig.backend->reset_device_memory_peak();
    const auto before = rig.backend->device_memory();
    EXPECT_TRUE(before.tracked);
    {
        gpustark::metal::BufferPtr b = rig.backend->new_buffer(1 << 20);
        EXPECT_EQ(rig.backend->device_memory().in_use_bytes, before.in_use_bytes + (1 << 20));
    }
    EXPECT_EQ(rig.backend->device_memory().in_use_bytes, before.in_use_bytes);
    EXPECT_EQ(rig.backend->device_memory().peak_bytes, before.in_use_bytes + (1 << 20));
}

// ---- errors ----

template <typename E>
std::string message_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const E& e) {
        return e.what();
    }
    return "(nothing thrown)";
}

TEST(MetalBackend, WhatTheKernelsCannotTakeIsRefusedBeforeAnyWork) {
    Rig rig = make_rig();
    using std::invalid_argument;
    // Counts the kernels take as 32-bit: refused before the memory is touched (null here).
    EXPECT_NE(message_of<invalid_argument>([&] { rig.backend->poseidon2_permute(nullptr, size_t(1) << 32); })
                  .find("exceeds the 32-bit counts"),
              std::string::npos);
    EXPECT_NE(message_of<invalid_argument>([&] { rig.backend->compress(nullptr, nullptr, size_t(1) << 28, nullptr); })
                  .find("2 * count * 8 words"),
              std::string::npos);
    EXPECT_NE(message_of<invalid_argument>([&] { rig.backend->ntt(nullptr, {28, 1}, false, 1); }).find("log_n must be <= 27"),
              std::string::npos);
    // 2^27 rows x 32 columns = 2^32 lanes: the kernels' uint count would wrap to zero.
    EXPECT_NE(message_of<invalid_argument>([&] { rig.backend->ntt(nullptr, {27, 32}, false, 1); }).find("n * batch"),
              std::string::npos);
    EXPECT_NE(message_of<invalid_argument>([&] { rig.backend->merkle_tree(nullptr, 48, 1, 0); }).find("power of two"),
              std::string::npos);
    EXPECT_NE(message_of<invalid_argument>([&] { rig.backend->merkle_tree(nullptr, 8, 1, 4); }).find("log_group"),
              std::string::npos);
    EXPECT_EQ(rig.device->buffers_made(), 0u);  // nothing half-done
    EXPECT_TRUE(rig.device->launches().empty());
}

TEST(MetalBackend, AFailedCommandBufferRaisesMetalErrorAndTheBackendRecovers) {
    FakeOptions fake;
    fake.fail_kernel = "merkle_compress";
    Rig rig = make_rig(fake);
    const std::vector<uint32_t> matrix = random_words(8 * 2, 1);
    const std::string message =
        message_of<gpustark::metal::MetalError>([&] { rig.backend->merkle_tree(matrix.data(), 8, 2, 0); });
    EXPECT_NE(message.find("merkle_compress"), std::string::npos) << message;
    EXPECT_NE(message.find("status error"), std::string::npos) << message;
    std::vector<uint32_t> states = random_words(16, 2), want = states;
    rig.backend->poseidon2_permute(states.data(), 1);
    cpu().poseidon2_permute(want.data(), 1);
    EXPECT_EQ(states, want);
}

TEST(MetalBackend, AMissingKernelMakesTheBackendUnavailableWithTheReason) {
    FakeOptions fake;
    fake.missing = {"ntt_block"};
    const std::string message = message_of<std::runtime_error>([&] { make_rig(fake); });
    EXPECT_NE(message.find("'ntt_block' is not in the library"), std::string::npos) << message;
}

TEST(MetalBackend, LimitsThePlannerRejectsMakeTheBackendUnavailable) {
    FakeOptions fake;
    fake.limits.max_threads_per_group = 0;  // never read
    const std::string message = message_of<std::runtime_error>([&] { make_rig(fake); });
    EXPECT_NE(message.find("metal launch plan"), std::string::npos) << message;
}

// ---- the phase objects (their full suites run through the registry: test_metal_registry.cpp) ----

TEST(MetalBackend, TheHostCompositionsAreListed) {
    Rig rig = make_rig();
    EXPECT_EQ(rig.backend->info().limits.at("host_phases"), "");  // none left
}

TEST(MetalBackend, TablesFoldAndReduceOnTheDeviceWithoutWaitingForFolds) {
    Rig rig = make_rig();
    std::mt19937 rng(1);
    std::vector<Ef> values(6 * 16);
    for (Ef& v : values)
        v = ef_make(fp_from_canonical(rng() % GS_P), fp_from_canonical(rng() % GS_P), fp_from_canonical(rng() % GS_P),
                    fp_from_canonical(rng() % GS_P));
    auto got = rig.backend->ef_tables(values.data(), 6, 16);
    auto want = cpu().ef_tables(values.data(), 6, 16);
    const Ef r = values[5];
    rig.device->clear_trace();
    got->fold(r);
    got->add_eq_powers(2, {values[7], values[8]}, {values[9], values[10]});
    EXPECT_EQ(rig.device->trace(),
              "begin encode:sumcheck_fold commit begin encode:sumcheck_eq_halves encode:sumcheck_add_eq_powers commit");
    want->fold(r);
    want->add_eq_powers(2, {values[7], values[8]}, {values[9], values[10]});
    const auto a = got->pair_product_round(), b = want->pair_product_round();  // waits for both
    for (int k = 0; k < 2; ++k) EXPECT_TRUE(ef_eq(a[k], b[k]));
    EXPECT_EQ(rig.device->trace().substr(rig.device->trace().size() - 4), "wait");
    // The round's threadgroup memory holds 2 Ef per thread of the group the planner picked.
    const auto& round = rig.device->launches().back();
    EXPECT_EQ(round.kernel, "sumcheck_pair_product");
    EXPECT_EQ(round.scratch_bytes, uint64_t(2) * round.group * sizeof(Ef));
    EXPECT_LE(round.groups, rig.backend->options().reduce_groups);
    const auto x = got->table(2), y = want->table(2);
    ASSERT_EQ(x.size(), y.size());
    for (size_t i = 0; i < x.size(); ++i) EXPECT_TRUE(ef_eq(x[i], y[i]));
}

// One run of each kind of rounds on the fake device against the CPU's host loop (below).
void check_transcript_rounds(bool on_device) {
    Rig rig = make_rig();
    std::mt19937 rng(7);
    auto random_ef = [&] {
        return ef_make(fp_from_canonical(rng() % GS_P), fp_from_canonical(rng() % GS_P),
                       fp_from_canonical(rng() % GS_P), fp_from_canonical(rng() % GS_P));
    };
    // (kind, grind bits): the stacked reduction's rounds, a GKR layer's, WHIR's folding rounds.
    const std::pair<SumcheckRoundKind, uint32_t> cases[] = {
        {SumcheckRoundKind::PairProduct, 0}, {SumcheckRoundKind::Fraction, 0}, {SumcheckRoundKind::PairProduct, 4}};
    for (const auto& [kind, bits] : cases) {
        const bool fraction = kind == SumcheckRoundKind::Fraction;
        const gpustark::RoundGrind grind{bits, &cpu()};
        const size_t count = fraction ? 5 : 6, length = 16, rounds = fraction ? 4 : 3;
        std::vector<Ef> values(count * length);
        for (Ef& v : values) v = random_ef();
        const Ef lambda = random_ef();
        auto got = rig.backend->ef_tables(values.data(), count, length);
        auto want = cpu().ef_tables(values.data(), count, length);
        Transcript t_got, t_want;
        for (uint32_t v : {3u, 1u, 4u}) {  // input pending in the sponge
            t_got.observe(v);
            t_want.observe(v);
        }
        rig.device->clear_trace();
        const SumcheckRounds a = got->transcript_rounds(t_got, kind, lambda, rounds, grind);
        const std::string trace = rig.device->trace();
        const SumcheckRounds b = want->transcript_rounds(t_want, kind, lambda, rounds, grind);
        EXPECT_EQ(a.witnesses, b.witnesses);
        EXPECT_EQ(a.witnesses.size(), bits ? rounds : 0u);
        size_t waits = 0;
        for (size_t at = trace.find("wait"); at != std::string::npos; at = trace.find("wait", at + 1)) ++waits;
        EXPECT_GE(waits, on_device ? 1u : rounds) << trace;
        if (on_device) EXPECT_EQ(waits, 1u) << trace;
        ASSERT_EQ(a.sums.size(), rounds);
        ASSERT_EQ(b.sums.size(), rounds);
        for (size_t r = 0; r < rounds; ++r) {
            for (int k = 0; k < 3; ++k) EXPECT_TRUE(ef_eq(a.sums[r][k], b.sums[r][k])) << "round " << r << " sum " << k;
            EXPECT_TRUE(ef_eq(a.challenges[r], b.challenges[r])) << "round " << r;
        }
        EXPECT_EQ(t_got.state(), t_want.state());
        EXPECT_EQ(t_got.absorb_index(), t_want.absorb_index());
        EXPECT_EQ(t_got.sample_index(), t_want.sample_index());
        EXPECT_EQ(t_got.sample(), t_want.sample());  // and the transcript goes on alike
        ASSERT_EQ(got->length(), length >> rounds);
        for (size_t c = 0; c < count; ++c) {
            const auto x = got->table(c), y = want->table(c);
            ASSERT_EQ(x.size(), y.size());
            for (size_t i = 0; i < x.size(); ++i) EXPECT_TRUE(ef_eq(x[i], y[i])) << "table " << c << " index " << i;
        }
    }
    auto tables = rig.backend->ef_tables(nullptr, 2, 4);
    Transcript t;
    EXPECT_THROW(tables->transcript_rounds(t, SumcheckRoundKind::PairProduct, ef_zero(), 3), std::logic_error);
    EXPECT_THROW(tables->transcript_rounds(t, SumcheckRoundKind::Fraction, ef_zero(), 1), std::logic_error);
}

// A run of rounds (EfTables::transcript_rounds) with the transcript's sponge on the device
// (GPUSTARK_DEVICE_TRANSCRIPT=1): every round enqueued and one wait at the end; and without it,
// one wait per round. Either way the same sums, witnesses, challenges, sponge and folded tables
// as the host's round-by-round loop over the CPU's tables.
TEST(MetalBackend, TranscriptRoundsKeepTheSpongeOnTheDeviceWhenAsked) {
    for (const bool on_device : {true, false}) {
        if (on_device) setenv("GPUSTARK_DEVICE_TRANSCRIPT", "1", 1);
        else unsetenv("GPUSTARK_DEVICE_TRANSCRIPT");
        check_transcript_rounds(on_device);
    }
    unsetenv("GPUSTARK_DEVICE_TRANSCRIPT");
}

// The stacked commitment on the device: a trace already in a Metal buffer is scattered from it in
// place, the message and the codeword's NTT and tree follow on the GPU, and all of it matches the
// host's composition over the CPU backend.
TEST(MetalBackend, CommitStackedRunsOnTheDeviceAndBindsMetalTracesInPlace) {
    Rig rig = make_rig();
    const uint32_t l_skip = 2, log_height = 6, log_blowup = 1, k = 2;
    const std::vector<std::pair<uint32_t, uint32_t>> dims = {{5, 3}, {1, 2}};  // (log_h, width), descending
    const std::vector<uint32_t> a = random_words(32 * 3, 5), b = random_words(2 * 2, 6);
    gpustark::metal::BufferPtr in_metal = rig.backend->new_buffer(a.size() * 4);
    std::copy(a.begin(), a.end(), in_metal->as<uint32_t>());
    const std::vector<gpustark::TraceView> traces = {{in_metal->as<uint32_t>(), 32, 3}, {b.data(), 2, 2}};
    const gpustark::StackedLayout layout = gpustark::stacked_layout(l_skip, log_height, dims);

    rig.device->clear_launches();
    gpustark::StackedCommit got = rig.backend->commit_stacked(layout, traces, log_blowup, k);
    ASSERT_GE(rig.device->launches().size(), 3u);
    EXPECT_EQ(rig.device->launches()[0].kernel, "stacked_scatter");
    EXPECT_EQ(rig.device->launches()[0].args[0].buffer, in_metal);  // no copy of the Metal trace
    EXPECT_EQ(rig.device->launches()[1].kernel, "stacked_scatter");
    EXPECT_EQ(rig.device->launches()[2].kernel, "stacked_message");
    EXPECT_EQ(rig.device->launches().back().kernel, "merkle_compress");

    const gpustark::StackedCommit want = gpustark::host_commit_stacked(cpu(), layout, traces, log_blowup, k);
    EXPECT_EQ(got.stacked->matrix_words(), want.stacked->matrix_words());
    EXPECT_EQ(got.stacked->message_words(), want.stacked->message_words());
    EXPECT_EQ(got.tree.root(), want.tree.root());
    EXPECT_EQ(got.tree.open(5).path, want.tree.open(5).path);
}

}  // namespace
