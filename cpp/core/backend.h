// The backend interface: every primitive a prover phase is built from, on canonical u32 buffers
// in host memory. A device backend stages its own copies; the CPU backend works in place.
//
// Callers (the bindings) validate shapes and field ranges before calling; implementations may
// assume: counts fit the buffers, values are < p, NTT sizes are powers of two <= 2^27.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../kernels/pow/pow.h"
#include "ef_tables.h"
#include "fraction_tree.h"
#include "merkle_tree.h"
#include "round0_sums.h"
#include "stacked_matrix.h"
#include "trace_tables.h"

namespace gpustark {

// What `gpustark devices` prints: a name and the limits the launch planner reads.
struct DeviceInfo {
    std::string backend;
    std::string name;
    std::map<std::string, std::string> limits;
};

// A batch of columns of length 2^log_n, row-major: element (row, col) at data[row * batch + col].
struct NttShape {
    uint32_t log_n = 0;
    uint32_t batch = 1;
};

// Device memory a backend holds (in_use) and its high-water mark since the last reset; not
// tracked by backends whose memory is the host's (the CPU).
struct DeviceMemory {
    bool tracked = false;
    uint64_t in_use_bytes = 0;
    uint64_t peak_bytes = 0;
    // Device memory the backend keeps free for its next allocations (a memory pool's unused
    // blocks): not in use, but not given back either until release_cached_memory.
    uint64_t cached_bytes = 0;
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual DeviceInfo info() const = 0;

    // states: count x 16, permuted in place.
    virtual void poseidon2_permute(uint32_t* states, size_t count) = 0;
    // matrix: rows x width; digests: rows x 8, digests[r] = H(matrix[r]).
    virtual void hash_rows(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t* digests) = 0;
    // left, right, out: count x 8; out[i] = C(left[i], right[i]).
    virtual void compress(const uint32_t* left, const uint32_t* right, size_t count, uint32_t* out) = 0;
    // In place. Forward: coefficients -> evaluations on shift * <omega_{log_n}>; inverse: back.
    virtual void ntt(uint32_t* data, NttShape shape, bool inverse, uint32_t shift) = 0;
    // Merkle tree over the rows of a rows x width matrix, grouping 2^log_group rows per query.
    virtual MerkleTree merkle_tree(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t log_group) = 0;
    // The Reed-Solomon codeword of a message of message_rows x width coefficients (row-major,
    // zero beyond message_rows): its evaluations on <omega_log_rows>, natural order; and the Merkle
    // tree over it, which keeps the codeword. By default ntt then merkle_tree; a device backend
    // hashes the codeword where it computed it.
    virtual MerkleTree encode_and_commit(const uint32_t* message, size_t message_rows, uint32_t width, uint32_t log_rows,
                                         uint32_t log_group);
    // The codeword alone, on the host: the message zero-padded to 2^log_rows rows, then ntt.
    HostVector<uint32_t> encode_codeword(const uint32_t* message, size_t message_rows, uint32_t width, uint32_t log_rows);
    // The smallest witness w in [0, p) that passes the proof-of-work check for this state.
    virtual uint32_t grind(const PowParams& params) = 0;

    // Sumcheck tables on this backend's device (ef_tables.h): `count` tables of `length` values
    // (a power of two), table c read from values[c * length, (c + 1) * length); values ==
    // nullptr gives zero tables (nothing copied), for a phase that fills them on the device.
    virtual std::unique_ptr<EfTables> ef_tables(const Ef* values, size_t count, size_t length) = 0;
    // The DAG's sums (constraint, numerator, denominator) at base-field points: out[k] at point k.
    virtual void dag_base_sums(const DagBinding& dag, const DagBasePoints& points, DagSums* out) = 0;
    // Round 0's sums over one trace (round0_sums.h). By default the host composition of ntt and
    // dag_base_sums; a device backend runs it on the device from one upload of the trace.
    virtual Round0Sums round0_sums(const Round0Trace& trace) { return host_round0_sums(*this, trace); }

    // The LogUp-GKR fraction tree over `leaves` (a power of two >= 2) leaves (fraction_tree.h). By
    // default in host memory; a device backend builds and keeps every layer on the device.
    virtual std::unique_ptr<FractionTree> fraction_tree(const Ef* p, const Ef* q, size_t leaves) {
        return host_fraction_tree(*this, p, q, leaves);
    }
    // The fraction tree over the LogUp input layer (logup_leaves.h). By default the host makes the
    // leaves and hands them to fraction_tree; a device backend evaluates the traces' interactions
    // where it holds them and writes the leaves in place: only the nodes read come back.
    virtual std::unique_ptr<FractionTree> logup_fraction_tree(const LogUpLeaves& in) {
        return host_logup_fraction_tree(*this, in);
    }
    // One trace's batch-constraint tables at r_0 (trace_tables.h). By default computed on the host
    // and handed to ef_tables; a device backend builds them on the device from the trace.
    virtual std::unique_ptr<EfTables> trace_tables(const TraceTablesInput& in) { return host_trace_tables(*this, in); }

    // The stacked commitment (stacked_matrix.h): the traces stacked by `layout`, their message and
    // the codeword's tree, with the matrix and message kept for the openings. By default on the
    // host through ntt and encode_and_commit; a device backend builds and keeps all on the device.
    virtual StackedCommit commit_stacked(const StackedLayout& layout, const std::vector<TraceView>& traces,
                                         uint32_t log_blowup, uint32_t k) {
        return host_commit_stacked(*this, layout, traces, log_blowup, k);
    }
    // A stacked matrix and its RS message (2^m x width each, row-major, PROTOCOL 6.3) handed over
    // from the host: kept as they are by default. A device backend copies only the matrix up and
    // makes the message again from it where read, so a message that is not the matrix's is wrong.
    virtual std::unique_ptr<StackedMatrix> stacked_matrix(HostVector<uint32_t> matrix, HostVector<uint32_t> message,
                                                          size_t height, uint32_t width, uint32_t l_skip) {
        return host_stacked_matrix(*this, std::move(matrix), std::move(message), height, width, l_skip);
    }

    // One proof's traces kept on the device: a device backend copies each trace up here, once,
    // and the phases that read a trace again (the commitment, round 0, the trace tables) use that
    // copy until release_traces. The host memory must stay as it is until then; traces are found
    // by their host pointer and size. A backend that reads host memory ignores both.
    virtual void hold_traces(const std::vector<TraceView>& traces) { (void)traces; }
    virtual void release_traces() {}
    // Host memory for traces that this backend's device copies straight from, without staging,
    // while the host goes on (page-locked memory on CUDA); freed when the last copy of the
    // pointer goes. nullptr where any host memory is as good (the CPU, which reads it in place).
    virtual std::shared_ptr<void> trace_host_memory(size_t bytes) {
        (void)bytes;
        return nullptr;
    }

    virtual DeviceMemory device_memory() const { return {}; }
    virtual void reset_device_memory_peak() {}
    // Gives back what the backend keeps for reuse, after the work queued so far: its scratch and
    // tables kept between calls, and its pool's free blocks (DeviceMemory::cached_bytes; a block
    // that still holds a live allocation stays). For a long-lived process between proofs; the next
    // call allocates again.
    virtual void release_cached_memory() {}
};

using BackendFactory = std::function<std::unique_ptr<Backend>()>;

// Backends register by name at static-initialisation time; `available` lists those that built
// and found a device. get() creates each backend once and keeps it.
void register_backend(const std::string& name, BackendFactory factory);
std::vector<std::string> available_backends();
// Every registered backend (all this build compiled in), trying to start each: `started`, and
// when not, the reason its factory gave (a CUDA build on a machine without a GPU, say).
struct BackendStatus {
    std::string name;
    bool started = false;
    std::string reason;
};
std::vector<BackendStatus> backend_status();
// `name` may also be "NAME@K" (K >= 1): stream K of backend NAME, a separate instance made by
// NAME's factory on first use (its own device queue, scratch, held traces and memory account).
Backend& get_backend(const std::string& name);

// A backend made over others on first use, for names that start with `prefix` ("dual:A,B"):
// `part(n)` is the registry's own backend n (it outlives the composite); the factory throws
// std::invalid_argument for a name it cannot read. Made once per name and kept, like the rest.
using PartLookup = std::function<Backend&(const std::string& name)>;
using CompositeFactory = std::function<std::unique_ptr<Backend>(const std::string& name, const PartLookup& part)>;
void register_composite_backend(const std::string& prefix, CompositeFactory factory);

}  // namespace gpustark
