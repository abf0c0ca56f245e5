#include "dual_backend.h"

#include "dual_compare.h"
#include "dual_ef_tables.h"
#include "dual_fraction_tree.h"
#include "dual_stacked_matrix.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace gpustark {
namespace {

constexpr size_t kDigest = 8;

// Index of the first word where x and y differ, or n when they agree.
size_t first_difference(const uint32_t* x, const uint32_t* y, size_t n) {
    return size_t(std::mismatch(x, x + n, y).first - x);
}

std::string str(uint64_t v) { return std::to_string(v); }

}  // namespace

bool parse_dual_name(const std::string& name, std::string& a, std::string& b) {
    const std::string prefix = "dual:";
    if (name.compare(0, prefix.size(), prefix) != 0) return false;
    std::string rest = name.substr(prefix.size());
    size_t comma = rest.find(',');
    if (comma == std::string::npos || rest.find(',', comma + 1) != std::string::npos) return false;
    a = rest.substr(0, comma);
    b = rest.substr(comma + 1);
    return !a.empty() && !b.empty();
}

void register_dual_backend() {
    register_composite_backend("dual:", [](const std::string& name, const PartLookup& part) {
        std::string a, b;
        if (!parse_dual_name(name, a, b))
            throw std::invalid_argument("backend '" + name +
                                        "': expected dual:A,B with two backend names, e.g. dual:cpu,cuda");
        Backend& ba = part(a);
        Backend& bb = part(b);
        return std::unique_ptr<Backend>(new DualBackend(ba, bb));
    });
}

DualBackend::DualBackend(Backend& a, Backend& b) : a_(a), b_(b), name_a_(a.info().backend), name_b_(b.info().backend) {
    // dual:cpu,cpu is legitimate (it tests the dual machinery itself); keep its messages readable.
    if (name_a_ == name_b_) name_a_ += " (A)", name_b_ += " (B)";
}

DeviceInfo DualBackend::info() const {
    DeviceInfo da = a_.info(), db = b_.info();
    DeviceInfo d;
    d.backend = "dual:" + da.backend + "," + db.backend;
    d.name = da.name + " | " + db.name;
    // Distinct prefixes even for dual:cpu,cpu, so neither side's limits hide the other's.
    std::string pa = da.backend == db.backend ? "a." : da.backend + ".";
    std::string pb = da.backend == db.backend ? "b." : db.backend + ".";
    for (const auto& kv : da.limits) d.limits[pa + kv.first] = kv.second;
    for (const auto& kv : db.limits) d.limits[pb + kv.first] = kv.second;
    return d;
}

void DualBackend::fail(const std::string& what, const std::string& where, uint64_t value_a, uint64_t value_b) const {
    dual_fail(name_a_, name_b_, what, where, value_a, value_b);
}

// The sides run one after the other, not concurrently: a device backend's host code and the CPU
// backend both want every core, and sequential runs keep a failure attributable to one call.

void DualBackend::poseidon2_permute(uint32_t* states, size_t count) {
    std::vector<uint32_t> b_states(states, states + 16 * count);
    a_.poseidon2_permute(states, count);
    b_.poseidon2_permute(b_states.data(), count);
    size_t i = first_difference(states, b_states.data(), b_states.size());
    if (i < b_states.size())
        fail("poseidon2_permute (" + str(count) + " states)", "state " + str(i / 16) + ", lane " + str(i % 16),
             states[i], b_states[i]);
}

void DualBackend::hash_rows(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t* digests) {
    std::vector<uint32_t> b_matrix(matrix, matrix + rows * width), b_digests(rows * kDigest);
    a_.hash_rows(matrix, rows, width, digests);
    b_.hash_rows(b_matrix.data(), rows, width, b_digests.data());
    size_t i = first_difference(digests, b_digests.data(), b_digests.size());
    if (i < b_digests.size())
        fail("hash_rows (" + str(rows) + " x " + str(width) + ")", "row " + str(i / kDigest) + ", digest word " + str(i % kDigest),
             digests[i], b_digests[i]);
}

void DualBackend::compress(const uint32_t* left, const uint32_t* right, size_t count, uint32_t* out) {
    std::vector<uint32_t> b_left(left, left + count * kDigest), b_right(right, right + count * kDigest), b_out(count * kDigest);
    a_.compress(left, right, count, out);
    b_.compress(b_left.data(), b_right.data(), count, b_out.data());
    size_t i = first_difference(out, b_out.data(), b_out.size());
    if (i < b_out.size())
        fail("compress (" + str(count) + " pairs)", "pair " + str(i / kDigest) + ", digest word " + str(i % kDigest), out[i],
             b_out[i]);
}

void DualBackend::ntt(uint32_t* data, NttShape shape, bool inverse, uint32_t shift) {
    std::vector<uint32_t> b_data(data, data + (size_t(1) << shape.log_n) * shape.batch);
    a_.ntt(data, shape, inverse, shift);
    b_.ntt(b_data.data(), shape, inverse, shift);
    size_t i = first_difference(data, b_data.data(), b_data.size());
    if (i < b_data.size())
        fail(std::string(inverse ? "inverse" : "forward") + " ntt (2^" + str(shape.log_n) + " x " + str(shape.batch) +
                 ", shift " + str(shift) + ")",
             "row " + str(i / shape.batch) + ", column " + str(i % shape.batch), data[i], b_data[i]);
}

MerkleTree DualBackend::merkle_tree(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t log_group) {
    std::vector<uint32_t> b_matrix(matrix, matrix + rows * width);
    MerkleTree ta = a_.merkle_tree(matrix, rows, width, log_group);
    MerkleTree tb = b_.merkle_tree(b_matrix.data(), rows, width, log_group);
    compare_trees("merkle_tree (" + str(rows) + " x " + str(width) + ", log_group " + str(log_group) + ")", ta, tb);
    return ta;
}

MerkleTree DualBackend::encode_and_commit(const uint32_t* message, size_t message_rows, uint32_t width,
                                          uint32_t log_rows, uint32_t log_group) {
    std::vector<uint32_t> b_message(message, message + message_rows * width);
    MerkleTree ta = a_.encode_and_commit(message, message_rows, width, log_rows, log_group);
    MerkleTree tb = b_.encode_and_commit(b_message.data(), message_rows, width, log_rows, log_group);
    compare_trees("encode_and_commit (" + str(message_rows) + " x " + str(width) + " to 2^" + str(log_rows) +
                      " rows, log_group " + str(log_group) + ")",
                  ta, tb);
    return ta;
}

void DualBackend::compare_trees(const std::string& what, const MerkleTree& ta, const MerkleTree& tb) const {
    dual_compare_trees(name_a_, name_b_, what, ta, tb);
}

uint32_t DualBackend::grind(const PowParams& params) {
    PowParams b_params = params;
    uint32_t wa = a_.grind(params), wb = b_.grind(b_params);
    if (wa != wb) fail("grind (" + str(params.bits) + " bits)", "the witness", wa, wb);
    return wa;
}

std::unique_ptr<EfTables> DualBackend::ef_tables(const Ef* values, size_t count, size_t length) {
    return make_dual_ef_tables(a_.ef_tables(values, count, length), b_.ef_tables(values, count, length), name_a_, name_b_);
}

void DualBackend::dag_base_sums(const DagBinding& dag, const DagBasePoints& points, DagSums* out) {
    std::vector<DagSums> b_out(points.points);
    a_.dag_base_sums(dag, points, out);
    b_.dag_base_sums(dag, points, b_out.data());
    compare_sums("dag_base_sums (" + str(points.points) + " points)", "point", out, b_out.data(), points.points);
}

void DualBackend::compare_sums(const std::string& what, const std::string& where, const DagSums* sa, const DagSums* sb,
                               size_t count) const {
    static const char* kSum[3] = {"constraint", "numerator", "denominator"};
    for (size_t k = 0; k < count; ++k) {
        const Ef va[3] = {sa[k].constraint, sa[k].numerator, sa[k].denominator};
        const Ef vb[3] = {sb[k].constraint, sb[k].numerator, sb[k].denominator};
        if (auto d = first_ef_difference(va, vb, 3))
            fail(what, where + " " + str(k) + ", " + kSum[d->index] + " sum, limb " + str(d->limb), d->a, d->b);
    }
}

std::unique_ptr<FractionTree> DualBackend::fraction_tree(const Ef* p, const Ef* q, size_t leaves) {
    return make_dual_fraction_tree(a_.fraction_tree(p, q, leaves), b_.fraction_tree(p, q, leaves), name_a_, name_b_);
}

std::unique_ptr<FractionTree> DualBackend::logup_fraction_tree(const LogUpLeaves& in) {
    std::unique_ptr<FractionTree> tree =
        make_dual_fraction_tree(a_.logup_fraction_tree(in), b_.logup_fraction_tree(in), name_a_, name_b_);
    tree->layer(tree->depth());  // the leaves compared whole, once: a wrong leaf shows at its place
    return tree;
}

std::unique_ptr<EfTables> DualBackend::trace_tables(const TraceTablesInput& in) {
    return make_dual_ef_tables(a_.trace_tables(in), b_.trace_tables(in), name_a_, name_b_);
}

StackedCommit DualBackend::commit_stacked(const StackedLayout& layout, const std::vector<TraceView>& traces,
                                          uint32_t log_blowup, uint32_t k) {
    StackedCommit ca = a_.commit_stacked(layout, traces, log_blowup, k);
    StackedCommit cb = b_.commit_stacked(layout, traces, log_blowup, k);
    compare_trees("commit_stacked (2^" + str(layout.log_height) + " x " + str(layout.width) + ")", ca.tree, cb.tree);
    StackedCommit out;
    out.tree = std::move(ca.tree);
    out.stacked = make_dual_stacked_matrix(std::move(ca.stacked), std::move(cb.stacked), name_a_, name_b_);
    out.stacked->matrix_words();  // compared here, once, rather than only when someone asks
    out.stacked->message_words();
    return out;
}

std::unique_ptr<StackedMatrix> DualBackend::stacked_matrix(HostVector<uint32_t> matrix, HostVector<uint32_t> message,
                                                           size_t height, uint32_t width, uint32_t l_skip) {
    HostVector<uint32_t> matrix_b = matrix, message_b = message;
    return make_dual_stacked_matrix(a_.stacked_matrix(std::move(matrix), std::move(message), height, width, l_skip),
                                    b_.stacked_matrix(std::move(matrix_b), std::move(message_b), height, width, l_skip),
                                    name_a_, name_b_);
}

Round0Sums DualBackend::round0_sums(const Round0Trace& trace) {
    Round0Sums sa = a_.round0_sums(trace), sb = b_.round0_sums(trace);
    const std::string what = "round0_sums (2^" + str(trace.log_height) + " rows, " + str(trace.coset_shifts.size()) + " cosets)";
    if (sa.on_cosets.size() != sb.on_cosets.size()) fail(what, "coset sums count", sa.on_cosets.size(), sb.on_cosets.size());
    if (sa.on_d.size() != sb.on_d.size()) fail(what, "sums on D count", sa.on_d.size(), sb.on_d.size());
    compare_sums(what, "coset x N + a =", sa.on_cosets.data(), sb.on_cosets.data(), sa.on_cosets.size());
    compare_sums(what, "on D, a =", sa.on_d.data(), sb.on_d.data(), sa.on_d.size());
    return sa;
}

}  // namespace gpustark
