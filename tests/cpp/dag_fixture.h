// Random AIR programs compiled for dag_run, shared by the DAG tests (test_dag_program.cpp,
// test_dag_run_lanes.cpp): the AIR, its compiled program, random challenges and the binding.
#pragma once
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "backend_cases.h"
#include "core/air_program.h"
#include "core/dag_program.h"

namespace test_support {

using gpustark::AirProgram;
using gpustark::DagBinding;
using gpustark::DagProgram;

// A random AIR: leaves of every kind, then `ops` arithmetic nodes over earlier nodes, about a
// third of the nodes constrained and three interactions.
inline AirProgram random_air(uint32_t seed, uint32_t width = 5, uint32_t ops = 60) {
    std::mt19937 rng(seed);
    AirProgram air;
    air.name = "random" + std::to_string(seed);
    air.width = width;
    air.num_public_values = 2;
    for (uint32_t c = 0; c < width; ++c) {
        air.nodes.push_back({gpustark::kNodeMain, 0, c, 0});
        air.nodes.push_back({gpustark::kNodeMain, 0, c, 1});
    }
    air.nodes.push_back({gpustark::kNodeIsFirst, 0, 0, 0});
    air.nodes.push_back({gpustark::kNodeIsLast, 0, 0, 0});
    air.nodes.push_back({gpustark::kNodeIsTransition, 0, 0, 0});
    air.nodes.push_back({gpustark::kNodePublic, 1, 0, 0});
    air.nodes.push_back({gpustark::kNodeConstant, 7, 0, 0});
    air.nodes.push_back({gpustark::kNodeConstant, GS_P - 1, 0, 0});
    for (uint32_t i = 0; i < ops; ++i) {
        uint32_t n = uint32_t(air.nodes.size()), kind = gpustark::kNodeAdd + rng() % 4;
        // Mostly recent operands, as expression trees produce, sometimes any earlier node.
        auto operand = [&]() -> uint32_t { return rng() % 3 ? n - 1 - rng() % std::min<uint32_t>(n, 8) : rng() % n; };
        air.nodes.push_back({kind, operand(), operand(), 0});
    }
    for (uint32_t i = 0; i < air.nodes.size(); ++i)
        if (rng() % 3 == 0) air.constraints.push_back(i);
    for (uint32_t k = 0; k < 3; ++k) {
        gpustark::InteractionProgram it;
        it.bus = k * 5;
        it.count = rng() % air.nodes.size();
        for (uint32_t j = 0, len = 1 + rng() % 3; j < len; ++j) it.message.push_back(rng() % air.nodes.size());
        air.interactions.push_back(it);
    }
    return air;
}

struct Fixture {
    AirProgram air;
    DagProgram program;
    std::vector<Fp> publics;
    std::vector<Ef> lambda, e, beta;
    DagBinding binding;

    // 60, 460 or 860 nodes by seed: the small AIRs make one constraint group, the larger ones several.
    explicit Fixture(uint32_t seed) : air(random_air(seed, 5, 60 + 400 * (seed % 3))), program(gpustark::compile_dag(air)) {
        std::mt19937 rng(seed + 1000);
        publics = {random_fp(rng), random_fp(rng)};
        for (size_t i = 0; i < air.constraints.size(); ++i) lambda.push_back(random_ef(rng));
        for (int k = 0; k < 3; ++k) e.push_back(random_ef(rng));
        for (int j = 0; j < 4; ++j) beta.push_back(random_ef(rng));
        binding = {&program, &air, gpustark::bind_publics(program, publics), gpustark::dag_weights(program, lambda, e, beta)};
    }
};

// Host slots for dag_run on one point of values V (Fp at base-field points, Ef at extension ones).
template <class V>
struct HostPoint {
    const V* here;
    const V* after;
    const V* sel;
    V* slots;
    V local(uint32_t c) const { return here[c]; }
    V next(uint32_t c) const { return after[c]; }
    V selector(uint32_t s) const { return sel[s]; }
    V slot(uint32_t k) const { return slots[k]; }
    void set_slot(uint32_t k, V v) { slots[k] = v; }
};
using BasePoint = HostPoint<Fp>;

}  // namespace test_support
