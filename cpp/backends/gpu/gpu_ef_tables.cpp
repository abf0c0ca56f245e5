// gpu::ef_tables (phases.h): the sumcheck tables of core/ef_tables.h in device memory, one
// operation (stage "ef_tables.<operation>") per step, or per run of rounds (transcript_rounds).
// fold, add_eq_powers and WHIR's in-place steps only commit (the next read or round is ordered
// after them and waits); a round waits once for its per-group sums. Kernel arguments follow
// metal/sumcheck.metal's and metal/whir.metal's order; params: kernels/sumcheck/table_lanes.h,
// kernels/sumcheck/round_sponge.h, kernels/whir/whir_tables.h.
#include <array>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../core/env_flags.h"
#include "../../core/transcript.h"
#include "../../core/whir_params.h"
#include "../../kernels/field/two_adic.h"
#include "../../kernels/sumcheck/round_sponge.h"
#include "../../kernels/sumcheck/table_lanes.h"
#include "../../kernels/whir/whir_tables.h"
#include "gpu_dag.h"
#include "gpu_ntt_tables.h"
#include "phases.h"
#include "primitives.h"

namespace gpustark {
namespace gpu {
namespace {

bool power_of_two(size_t x) { return x != 0 && (x & (x - 1)) == 0; }

uint32_t log2_exact(uint64_t x) {
    uint32_t log = 0;
    while ((uint64_t(1) << log) < x) ++log;
    return log;
}

void check_length(size_t length) {
    if (!power_of_two(length))
        throw std::invalid_argument("ef_tables: length must be a power of two, got " + std::to_string(length));
}

class DeviceEfTables final : public EfTables {
public:
    // Takes over `values` (count tables at stride `length`, written by work already enqueued,
    // which every operation on these tables is ordered after).
    DeviceEfTables(Device& device, Buffer values, size_t count, size_t length)
        : EfTables(count, length), device_(device), stride_(length), bytes_(count * length * sizeof(Ef)) {
        check_length(length);
        buffers_[0] = std::move(values);
    }

    // The last fold or add_eq_powers may still be running.
    ~DeviceEfTables() override { device_.drain(); }

    // For table_buffer: table c's current values when these tables live on `device`.
    Buffer table_on(const Device& device, size_t c) const {
        return &device == &device_ && c < count() ? table_at(c, buffers_[current_]) : Buffer{};
    }

    void fold(Ef r) override {
        require_foldable("fold");
        if (count() != 0) {
            Call call(device_, "ef_tables.fold");
            enqueue_fold(r, nullptr, 0);
            call.commit();  // no wait: the next read or round is ordered after it
        }
        halve();
    }

    std::vector<Ef> read(size_t index) override {
        require_index(index);
        std::vector<Ef> out(count());
        if (out.empty()) return out;
        const size_t bytes = out.size() * sizeof(Ef);
        Call call(device_, "ef_tables.read");
        device_.reserve_staging(staged_size(bytes));
        const void* values = device_.download_rows(current().at_element<Ef>(index), stride_ * sizeof(Ef), sizeof(Ef),
                                                   count());
        call.finish("ef_tables read");
        std::memcpy(out.data(), values, bytes);
        return out;
    }

    std::vector<Ef> table(size_t c) override {
        require_table(c, "table");
        std::vector<Ef> out(length());
        const size_t bytes = out.size() * sizeof(Ef);
        Call call(device_, "ef_tables.table");
        device_.reserve_staging(staged_size(bytes));
        const void* values = device_.download(table_at(c, current()), bytes);
        call.finish("ef_tables table");
        std::memcpy(out.data(), values, bytes);
        return out;
    }

    std::array<Ef, 2> pair_product_round() override {
        require_pairs();
        const SumcheckPairProductParams p = pair_product_params();
        return reduce<GS_SUMCHECK_PAIR_PRODUCT_SUMS>("ef_tables.pair_product_round", Kernel::SumcheckPairProduct,
                                                     p.lanes, 4 * p.lanes, current(), p);
    }

    std::array<Ef, 3> fraction_round(Ef lambda) override {
        require_fraction();
        const SumcheckFractionParams p = fraction_params(lambda);
        return reduce<GS_SUMCHECK_FRACTION_SUMS>("ef_tables.fraction_round", Kernel::SumcheckFraction, p.lanes,
                                                 5 * length(), current(), p);
    }

    // Every round enqueued at once: the round kernel's per-group sums, one group of the sponge
    // step (their sum observed, r sampled into the log; with a grind, the grind's window and the
    // witness step first), the fold by the logged r; one wait at the end reads the log, the
    // witnesses and the sponge back (kernels/sumcheck/round_sponge.h).
    SumcheckRounds transcript_rounds(Transcript& transcript, SumcheckRoundKind kind, Ef lambda, size_t rounds,
                                     RoundGrind grind) override {
        require_rounds(kind, rounds, grind);
        // Only with GPUSTARK_DEVICE_TRANSCRIPT=1: on an H100 with a fast host, one round's wait
        // for the host cost less than the round's permutations on one GPU thread, and keccakf and
        // interactions-large ran slower this way (docs/benchmarks.md, 2026-12-07).
        // Replayed witnesses, and grinds whose window would be large, take the host loop too.
        const bool on_device = env_switched_on("GPUSTARK_DEVICE_TRANSCRIPT");
        if (rounds == 0 || count() == 0 || !on_device || grind.bits > kMaxDeviceGrindBits ||
            (grind.bits != 0 && transcript.replaying()))
            return EfTables::transcript_rounds(transcript, kind, lambda, rounds, grind);
        const bool fraction = kind == SumcheckRoundKind::Fraction;
        const uint32_t sums = fraction ? GS_SUMCHECK_FRACTION_SUMS : GS_SUMCHECK_PAIR_PRODUCT_SUMS;
        const SpongeState start = transcript.sponge();
        const uint32_t no_witness = GS_SPONGE_NO_WITNESS;
        const size_t log_bytes = rounds * GS_ROUND_LOG_STRIDE * sizeof(Ef), witness_bytes = rounds * sizeof(uint32_t);
        Call call(device_, "ef_tables.transcript_rounds");
        const Buffer sponge = device_.allocate(sizeof(SpongeState)), log = device_.allocate(log_bytes);
        const Buffer best = grind.bits ? device_.allocate(sizeof(uint32_t)) : Buffer{};
        const Buffer witnesses = grind.bits ? device_.allocate(witness_bytes) : Buffer{};
        device_.reserve_staging(staged_size(log_bytes) + staged_size(sizeof(SpongeState)) + staged_size(witness_bytes));
        device_.upload(sponge, &start, sizeof(start));
        if (grind.bits) device_.upload(best, &no_witness, sizeof(no_witness));
        for (size_t round = 0; round < rounds; ++round) {
            device::LaunchPlan plan;
            if (fraction) {
                const SumcheckFractionParams p = fraction_params(lambda);
                plan = round_plan<GS_SUMCHECK_FRACTION_SUMS>(Kernel::SumcheckFraction, p.lanes);
                enqueue_round_sums<GS_SUMCHECK_FRACTION_SUMS>(Kernel::SumcheckFraction, plan, 5 * length(), current(), p);
            } else {
                const SumcheckPairProductParams p = pair_product_params();
                plan = round_plan<GS_SUMCHECK_PAIR_PRODUCT_SUMS>(Kernel::SumcheckPairProduct, p.lanes);
                enqueue_round_sums<GS_SUMCHECK_PAIR_PRODUCT_SUMS>(Kernel::SumcheckPairProduct, plan, 4 * p.lanes,
                                                                  current(), p);
            }
            enqueue_sponge_step(plan.grid, sums, uint32_t(round), grind.bits == 0, sponge, log);
            if (grind.bits) enqueue_sponge_grind(grind.bits, uint32_t(round), sponge, best, log, witnesses);
            enqueue_fold(ef_zero(), &log, uint32_t(round * GS_ROUND_LOG_STRIDE + GS_ROUND_LOG_STRIDE - 1));
            halve();
        }
        const Ef* entries = static_cast<const Ef*>(device_.download(log, log_bytes));
        const SpongeState* end = static_cast<const SpongeState*>(device_.download(sponge, sizeof(SpongeState)));
        const uint32_t* found =
            grind.bits ? static_cast<const uint32_t*>(device_.download(witnesses, witness_bytes)) : nullptr;
        call.finish("transcript rounds");
        SumcheckRounds out;
        for (size_t round = 0; round < rounds; ++round) {
            const Ef* e = entries + round * GS_ROUND_LOG_STRIDE;
            out.sums.push_back({e[0], e[1], e[2]});
            out.challenges.push_back(e[GS_ROUND_LOG_STRIDE - 1]);
            if (!found) continue;
            if (found[round] == GS_SPONGE_NO_WITNESS)  // about e^-64 per round: the window is 64 x 2^bits
                throw std::runtime_error("ef_tables transcript_rounds: no " + std::to_string(grind.bits) +
                                         "-bit proof-of-work witness below " +
                                         std::to_string(device_grind_window(grind.bits)) + " in round " +
                                         std::to_string(round));
            out.witnesses.push_back(found[round]);
        }
        transcript.set_sponge(*end);
        return out;
    }

    void add_eq_powers(size_t c, const std::vector<Ef>& points, const std::vector<Ef>& weights) override {
        require_table(c, "add_eq_powers");
        require_points(points.size(), weights.size());
        if (points.empty()) return;
        SumcheckAddEqPowersParams p{};
        p.lanes = length();
        p.vars = log2_exact(length());
        p.count = uint32_t(points.size());
        // Per point (weight, z^(2^k) for k < vars), the powers as the CPU tables compute them.
        std::vector<Ef> records;
        records.reserve(points.size() * (p.vars + 1));
        for (size_t q = 0; q < points.size(); ++q) {
            records.push_back(weights[q]);
            Ef z = points[q];
            for (uint32_t k = 0; k < p.vars; ++k, z = ef_square(z)) records.push_back(z);
        }
        const size_t bytes = records.size() * sizeof(Ef);
        const uint64_t half_lanes = uint64_t(p.count) * sumcheck_eq_halves_len(p.vars);
        Call call(device_, "ef_tables.add_eq_powers");
        const Buffer d_records = device_.allocate(bytes), halves = device_.allocate(half_lanes * sizeof(Ef));
        device_.reserve_staging(staged_size(bytes));
        device_.upload(d_records, records.data(), bytes);
        // Each point's eq as two half tables (about 2^(vars/2 + 1) values), then one product per
        // point and entry instead of vars of them.
        device_.dispatch(Kernel::SumcheckEqHalves, device_.lane_plan(Kernel::SumcheckEqHalves, half_lanes),
                         (bytes + half_lanes * sizeof(Ef)), {d_records, halves}, p);
        device_.dispatch(Kernel::SumcheckAddEqPowers, device_.lane_plan(Kernel::SumcheckAddEqPowers, p.lanes),
                         2 * p.lanes * sizeof(Ef), {table_at(c, current()), halves}, p);
        call.commit();  // no wait here (a device that staged the upload waits for it as the call ends)
    }

    void write_table(size_t c, const Ef* values) override {
        require_table(c, "write_table");
        const size_t bytes = length() * sizeof(Ef);
        Call call(device_, "ef_tables.write_table");
        call.finish("ef_tables write_table");  // a kernel still queued may use the table
        device_.reserve_staging(staged_size(bytes));
        device_.upload(table_at(c, current()), values, bytes);
        call.finish("ef_tables write_table");  // the staging is free again for the next operation
    }

    std::unique_ptr<EfTables> copy_table(size_t c) override {
        require_table(c, "copy_table");
        const size_t bytes = length() * sizeof(Ef);
        Buffer copy;
        {
            Call call(device_, "ef_tables.copy_table");
            copy = device_.allocate(bytes);
            device_.copy(copy, table_at(c, current()), bytes);
            call.commit();  // no wait: the copy's next operation is ordered after it
        }
        return std::make_unique<DeviceEfTables>(device_, std::move(copy), 1, length());
    }

    void subset_transform(size_t c, bool inverse) override {
        require_table(c, "subset_transform");
        WhirSubsetStepParams p{};
        p.lanes = length() / 2;
        p.inverse = inverse ? 1 : 0;
        if (p.lanes == 0) return;
        Call call(device_, "ef_tables.subset_transform");
        const device::LaunchPlan plan = device_.lane_plan(Kernel::WhirSubsetStep, p.lanes);
        for (p.log_step = 0; (uint64_t(1) << p.log_step) < length(); ++p.log_step)  // one step per index bit
            device_.dispatch(Kernel::WhirSubsetStep, plan, 4 * p.lanes * sizeof(Ef), {table_at(c, current())}, p);
        call.commit();  // no wait, as for fold
    }

    void set_product_table(size_t c, const std::vector<std::array<Ef, 2>>& factors) override {
        require_table(c, "set_product_table");
        require_factors(factors.size());
        const WhirProductTableParams p = whir_product_table_params(factors, length());
        Call call(device_, "ef_tables.set_product_table");
        device_.dispatch(Kernel::WhirProductTable, device_.lane_plan(Kernel::WhirProductTable, p.lanes),
                         p.lanes * sizeof(Ef), {table_at(c, current())}, p);
        call.commit();  // no wait, as for fold
    }

    Ef power_sum(size_t c, Ef z) override {
        require_table(c, "power_sum");
        const WhirPowerSumParams p = whir_power_sum_params(z, length());
        return reduce<GS_WHIR_POWER_SUM_SUMS>("ef_tables.power_sum", Kernel::WhirPowerSum, p.lanes, p.lanes,
                                              table_at(c, current()), p)[0];
    }

    MerkleTree commit_table(size_t c, uint32_t log_rows, uint32_t log_group) override {
        require_table(c, "commit_table");
        require_codeword(log_rows);
        if (log_rows > GS_TWO_ADICITY)
            throw std::invalid_argument("ef_tables commit_table: log_rows must be <= " +
                                        std::to_string(GS_TWO_ADICITY) + ", got " + std::to_string(log_rows));
        Call call(device_, "ef_tables.commit_table");
        device_.ntt_tables().twiddles(device_, log_rows, false);  // before the staged copies
        // The message (one row of 4 limbs per entry) written straight into the codeword's memory.
        const Buffer code = device_.allocate((size_t(1) << log_rows) * 4 * sizeof(uint32_t));
        device_.reserve_staging(staged_size(GS_DIGEST_WIDTH * sizeof(uint32_t)));  // the root
        WhirEfWordsParams p{};
        p.lanes = length();
        device_.dispatch(Kernel::WhirEfWords, device_.lane_plan(Kernel::WhirEfWords, p.lanes),
                         2 * p.lanes * sizeof(Ef), {table_at(c, current()), code}, p);
        return commit_codeword(device_, code, length(), 4, log_rows, log_group, "ef_tables commit_table", {});
    }

    std::vector<Ef> dag_round(const DagBinding& dag, const Ef combine[3], const std::vector<Ef>& xs,
                              size_t max_pairs) override {
        require_dag(dag);
        return gpu::dag_round(device_, current(), stride_, length(), dag, combine, xs, max_pairs, dag_state_);
    }

private:
    static constexpr uint32_t kMaxSums = 3;  // per group: s(1), s(2)[, s(3)]

    // The round kernels' params at the current length and stride.
    SumcheckPairProductParams pair_product_params() const {
        const uint64_t half = length() / 2;
        SumcheckPairProductParams p{};
        p.lanes = uint64_t(count() / 2) * half;
        p.stride = stride_;
        p.log_half = log2_exact(half);
        return p;
    }
    SumcheckFractionParams fraction_params(Ef lambda) const {
        SumcheckFractionParams p{};
        p.lanes = length() / 2;
        p.stride = stride_;
        p.lambda = lambda;
        return p;
    }

    // A round: one reduction kernel over `lanes` lanes reading `reads` values (arguments: the
    // tables, the partials, params) writes K sums per group; the one wait; then the host adds the
    // groups' sums.
    template <uint32_t K, typename Params>
    std::array<Ef, K> reduce(const char* stage, Kernel kernel, uint64_t lanes, uint64_t reads, const Buffer& tables,
                             const Params& params) {
        std::array<Ef, K> sums;
        sums.fill(ef_zero());
        if (lanes == 0) return sums;
        Call call(device_, stage);
        const device::LaunchPlan plan = round_plan<K>(kernel, lanes);
        const size_t bytes = size_t(plan.grid) * K * sizeof(Ef);
        device_.reserve_staging(staged_size(bytes));
        enqueue_round_sums<K>(kernel, plan, reads, tables, params);
        const Ef* partial = static_cast<const Ef*>(device_.download(partials_, bytes));
        call.finish(stage);
        for (size_t g = 0; g < plan.grid; ++g)
            for (size_t k = 0; k < K; ++k) sums[k] = ef_add(sums[k], partial[g * K + k]);
        return sums;
    }

    // A round kernel's plan: K sums per lane added over each group, in group memory sized for
    // the group the planner picks.
    template <uint32_t K>
    device::LaunchPlan round_plan(Kernel kernel, uint64_t lanes) {
        const LaunchCaps caps = device_.launch_caps();
        device::Problem work;
        work.items = lanes;
        work.max_group_threads = caps.max_lane_group;
        work.max_groups = caps.reduce_groups;
        work.scratch_for_group = [](uint32_t group) { return uint64_t(K) * group * sizeof(Ef); };
        return device_.plan(kernel, work);
    }

    // Inside an operation: the round kernel on round_plan's plan, its K sums per group into partials_.
    template <uint32_t K, typename Params>
    void enqueue_round_sums(Kernel kernel, const device::LaunchPlan& plan, uint64_t reads, const Buffer& tables,
                            const Params& params) {
        static_assert(K <= kMaxSums, "the partials hold kMaxSums sums per group");
        // Kept between rounds: a round's sums are read (by the host after its wait, or by the
        // sponge step queued after it) before the next round's kernel writes them.
        if (!partials_) partials_ = device_.allocate(device_.launch_caps().reduce_groups * kMaxSums * sizeof(Ef));
        device_.dispatch(kernel, plan, reads * sizeof(Ef) + plan.grid * K * sizeof(Ef), {tables, partials_}, params);
    }

    // Grinds inside the rounds test one window of 64 x 2^bits witnesses from 0 (one launch, no
    // wait for the host): the smallest passing witness is in it but for about e^-64. Its cost
    // grows with the window (64K permutations at 10 bits, a few microseconds on a large GPU), so
    // larger grinds run round by round through the host's grinder, whose windows stop early.
    static constexpr uint32_t kMaxDeviceGrindBits = 10;
    static uint32_t device_grind_window(uint32_t bits) { return uint32_t(64) << bits; }

    // Inside an operation: the round's grind against the sponge, then one lane observes the
    // smallest passing witness, samples r into the log and writes the witness.
    void enqueue_sponge_grind(uint32_t bits, uint32_t round, const Buffer& sponge, const Buffer& best, const Buffer& log,
                              const Buffer& witnesses) {
        SumcheckSpongeGrindParams g{};
        g.bits = bits;
        g.window = device_grind_window(bits);
        device_.dispatch(Kernel::SumcheckSpongeGrind, device_.lane_plan(Kernel::SumcheckSpongeGrind, g.window),
                         sizeof(SpongeState) + sizeof(uint32_t), {best, sponge}, g);
        SumcheckSpongeWitnessParams w{};
        w.round = round;
        w.bits = bits;
        device_.dispatch(Kernel::SumcheckSpongeWitness, device_.lane_plan(Kernel::SumcheckSpongeWitness, 1),
                         2 * sizeof(SpongeState) + sizeof(Ef) + 3 * sizeof(uint32_t), {sponge, best, log, witnesses}, w);
    }

    // Inside an operation: one group adds the `groups` groups' sums in partials_, observes them into
    // the sponge and writes the round's log entry (its sums and, with `sample`, its challenge).
    void enqueue_sponge_step(uint64_t groups, uint32_t sums, uint32_t round, bool sample, const Buffer& sponge,
                             const Buffer& log) {
        device::Problem work;
        work.items = groups;
        work.max_group_threads = device_.launch_caps().max_lane_group;
        work.max_groups = 1;
        work.scratch_for_group = [](uint32_t group) { return uint64_t(GS_ROUND_LOG_SUMS) * group * sizeof(Ef); };
        SumcheckSpongeStepParams p{};
        p.groups = uint32_t(groups);
        p.sums = sums;
        p.round = round;
        p.sample = sample ? 1 : 0;
        device_.dispatch(Kernel::SumcheckSpongeStep, device_.plan(Kernel::SumcheckSpongeStep, work),
                         (groups * sums + GS_ROUND_LOG_STRIDE) * sizeof(Ef) + 2 * sizeof(SpongeState),
                         {partials_, sponge, log}, p);
    }

    // Inside an operation: every table folded by r, or by the log's entry r_index when `log` is
    // set; the folded tables are then current. The folded tables go packed at half the stride: the
    // first fold's output buffer is half the size, and each later fold fits in whichever buffer it
    // writes. The caller halves the length.
    void enqueue_fold(Ef r, const Buffer* log, uint32_t r_index) {
        const uint64_t half = length() / 2, lanes = uint64_t(count()) * half;
        if (lanes == 0) return;  // no tables: nothing to swap (and no second buffer)
        if (!other()) buffers_[current_ ^ 1] = device_.allocate(bytes_ / 2);
        const uint64_t bytes = 3 * lanes * sizeof(Ef);
        if (log) {
            SumcheckFoldLoggedParams p{};
            p.lanes = lanes;
            p.stride = stride_;
            p.log_half = log2_exact(half);
            p.out_shift = 1;
            p.r_index = r_index;
            device_.dispatch(Kernel::SumcheckFoldLogged, device_.lane_plan(Kernel::SumcheckFoldLogged, lanes), bytes,
                             {current(), other(), *log}, p);
        } else {
            SumcheckFoldParams p{};
            p.lanes = lanes;
            p.stride = stride_;
            p.r = r;
            p.log_half = log2_exact(half);
            p.out_shift = 1;
            device_.dispatch(Kernel::SumcheckFold, device_.lane_plan(Kernel::SumcheckFold, lanes), bytes,
                             {current(), other()}, p);
        }
        current_ ^= 1;
        stride_ /= 2;
    }

    // Table c of `tables` at the current stride.
    Buffer table_at(size_t c, const Buffer& tables) const { return tables.at_element<Ef>(c * stride_); }
    const Buffer& current() const { return buffers_[current_]; }
    const Buffer& other() const { return buffers_[current_ ^ 1]; }

    Device& device_;
    size_t stride_;        // table c starts at c * stride_ in the current buffer (halved by each fold)
    const size_t bytes_;   // count x the first length's values: the first buffer's size
    Buffer buffers_[2];    // the current tables and the next fold's output
    int current_ = 0;
    Buffer partials_;      // launch_caps().reduce_groups x kMaxSums sums, from the first round
    DagRoundState dag_state_;
};

}  // namespace

std::unique_ptr<EfTables> ef_tables(Device& device, const Ef* values, size_t count, size_t length) {
    check_length(length);
    if (count > SIZE_MAX / sizeof(Ef) / length) throw std::invalid_argument("ef_tables: count * length overflows");
    const size_t bytes = count * length * sizeof(Ef);
    Buffer tables;
    if (bytes != 0) {
        // A copy: the tables are folded in place, and the caller's memory is the caller's.
        Call call(device, "ef_tables");
        tables = device.allocate(bytes);
        if (values) {
            device.reserve_staging(staged_size(bytes));
            device.upload(tables, values, bytes);
            call.finish("ef_tables upload");  // the staging is free again for the next operation
        } else {  // zero tables, for a phase that fills them on the device
            device.fill_zero(tables, bytes);
            call.commit();
        }
    }
    return std::make_unique<DeviceEfTables>(device, std::move(tables), count, length);
}

std::unique_ptr<EfTables> adopt_tables(Device& device, Buffer values, size_t count, size_t length) {
    if (!values && count * length != 0) throw std::invalid_argument("adopt_tables: no device memory");
    return std::make_unique<DeviceEfTables>(device, std::move(values), count, length);
}

Buffer table_buffer(Device& device, EfTables& tables, size_t c) {
    const auto* own = dynamic_cast<const DeviceEfTables*>(&tables);
    return own ? own->table_on(device, c) : Buffer{};
}

}  // namespace gpu
}  // namespace gpustark
