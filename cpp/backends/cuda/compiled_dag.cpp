#include "compiled_dag.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "../../core/cpu_count.h"
#include "../../core/dag_source.h"
#include "../../core/env_flags.h"
#include "../../kernels/dag/dag_lanes.h"
#include "nvrtc.h"

namespace gpustark {

// The kernel headers' text, dag_compiled.h last (generated at build time by
// cmake/embed_kernel_text.cmake).
const char* cuda_dag_kernel_headers();

namespace cuda {
namespace {

namespace fs = std::filesystem;

// The compiled kernel around dag_compiled.h's lane: a grid-stride loop, like the interpreter's.
constexpr const char* kKernel = R"(
extern "C" __global__ void __launch_bounds__(256) gs_dag_base_sums(
    const Ef* __restrict__ weights, const Fp* __restrict__ constants, const u32* __restrict__ local,
    const u32* __restrict__ next, DagSums* __restrict__ out, const __grid_constant__ DagBaseSumsParams q) {
    const u64 stride = (u64)gridDim.x * blockDim.x;
    for (u64 lane = blockIdx.x * (u64)blockDim.x + threadIdx.x; lane < q.lanes; lane += stride)
        dag_compiled_base_sums_lane<true>(lane, weights, constants, local, next, q, out);
}
)";
constexpr uint32_t kWaves = 4;  // blocks per launch: this many waves of the resident ones

uint64_t fnv1a(const void* data, size_t bytes, uint64_t h = 1469598103934665603ull) {
    const unsigned char* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < bytes; ++i) h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

std::string hex(uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

// Whether DAGs are compiled at all: not when GPUSTARK_DAG_COMPILE=0.
bool dag_compile_enabled() { return !env_switched_off("GPUSTARK_DAG_COMPILE"); }

// Where compiled parts are kept; "" when none can be named.
std::string cache_directory() {
    if (const char* d = std::getenv("GPUSTARK_CACHE_DIR"); d && *d) return d;
    if (const char* d = std::getenv("XDG_CACHE_HOME"); d && *d) return std::string(d) + "/gpustark";
    if (const char* d = std::getenv("HOME"); d && *d) return std::string(d) + "/.cache/gpustark";
    return "";
}

// Consecutive groups of at most about kPartInstructions instructions (a larger group alone).
std::vector<std::pair<uint32_t, uint32_t>> split_parts(const DagProgram& p) {
    std::vector<std::pair<uint32_t, uint32_t>> parts;
    uint64_t size = 0;
    for (uint32_t g = 0; g < p.groups.size(); ++g) {
        if (parts.empty() || (size > 0 && size + p.groups[g].count > kPartInstructions)) {
            parts.push_back({g, 0});
            size = 0;
        }
        ++parts.back().second;
        size += p.groups[g].count;
    }
    return parts;
}

std::string part_source(const DagProgram& p, uint32_t first, uint32_t count) {
    std::string s = cuda_dag_kernel_headers();
    // Each group out of line: NVRTC then optimizes one group at a time (inlined, a part takes it
    // several times longer and the kernel more registers).
    s += "\n#define GS_DAG_GROUP_FN __device__ __noinline__\n";
    s += dag_program_source(p, first, count);
    s += kKernel;
    return s;
}

// (C stdio rather than fstreams, as core/dag_source.cpp avoids iostreams.)
std::vector<char> read_file(const fs::path& path) {
    std::vector<char> bytes;
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return bytes;
    char buffer[1 << 16];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) bytes.insert(bytes.end(), buffer, buffer + n);
    const bool failed = std::ferror(f) != 0;
    std::fclose(f);
    if (failed) bytes.clear();
    return bytes;
}

// Written whole or not at all (another process may read it meanwhile); failures are ignored: the
// cache only saves time.
void write_file(const fs::path& path, const std::vector<char>& bytes) {
    std::error_code error;
    fs::create_directories(path.parent_path(), error);
    const fs::path tmp = path.string() + ".tmp" + std::to_string(std::hash<std::thread::id>()(std::this_thread::get_id()));
    FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) return;
    const bool written = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    if (std::fclose(f) != 0 || !written) {
        fs::remove(tmp, error);
        return;
    }
    fs::rename(tmp, path, error);
    if (error) fs::remove(tmp, error);
}

// The part's cubin from the cache, else compiled (and cached). `compiled` counts the compiles.
std::vector<char> part_cubin(const Nvrtc& nvrtc, const std::string& source, const std::vector<std::string>& options,
                             const std::string& dir, std::atomic<int>& compiled, std::once_flag& announced) {
    uint64_t key = fnv1a(source.data(), source.size());
    const std::string salt = nvrtc.version();
    key = fnv1a(salt.data(), salt.size(), key);
    for (const std::string& o : options) key = fnv1a(o.data(), o.size() + 1, key);
    const fs::path path = dir.empty() ? fs::path() : fs::path(dir) / "cuda" / ("dag-" + hex(key) + ".cubin");
    if (!dir.empty()) {
        std::vector<char> cached = read_file(path);
        if (!cached.empty()) return cached;
    }
    // Said before the wait (seconds for a large AIR), not only after it.
    std::call_once(announced, [&] {
        std::fprintf(stderr, "gpustark: compiling the constraint DAG with NVRTC %s (%s)%s%s\n", nvrtc.version().c_str(),
                     options[0].c_str(), dir.empty() ? "" : ", once per machine: kept in ",
                     dir.empty() ? "" : (dir + "/cuda").c_str());
    });
    std::vector<char> cubin = nvrtc.compile_cubin(source, "gpustark_dag.cu", options);
    ++compiled;
    if (!dir.empty()) write_file(path, cubin);
    return cubin;
}

std::shared_ptr<const CompiledDag> compile(const DagProgram& program, int arch, uint32_t sms) {
    const auto start = std::chrono::steady_clock::now();
    const DagCubins built = dag_cubins(program, arch);
    const auto& ranges = built.parts;
    const auto& cubins = built.cubins;
    auto dag = std::make_shared<CompiledDag>();
    for (size_t i = 0; i < ranges.size(); ++i) {
        CompiledDag::Part part;
        part.first = ranges[i].first;
        part.count = ranges[i].second;
        cudaError_t err = cudaLibraryLoadData(&part.library, cubins[i].data(), nullptr, nullptr, 0, nullptr, nullptr, 0);
        if (err == cudaSuccess) err = cudaLibraryGetKernel(&part.base_sums, part.library, "gs_dag_base_sums");
        int resident = 0;
        if (err == cudaSuccess)
            err = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&resident, reinterpret_cast<const void*>(part.base_sums),
                                                                int(kCompiledDagBlock), 0);
        if (part.library) dag->parts.push_back(part);  // unloaded with dag on an error below
        if (err != cudaSuccess) {
            cudaGetLastError();
            throw std::runtime_error(std::string("loading the compiled DAG: ") + cudaGetErrorString(err));
        }
        dag->parts.back().grid = uint64_t(std::max(resident, 1)) * std::max(sms, 1u) * kWaves;
    }
    if (built.compiled > 0) {
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::fprintf(stderr,
                     "gpustark: compiled the constraint DAG (%u instructions, %zu of %zu parts) for sm_%d in %.1f s\n",
                     program.instructions(), built.compiled, ranges.size(), arch, seconds);
    }
    return dag;
}

}  // namespace

DagCubins dag_cubins(const DagProgram& program, int arch) {
    const Nvrtc* nvrtc = Nvrtc::get();
    if (!nvrtc) throw std::runtime_error(Nvrtc::why());
    const std::vector<std::string> options = {"--gpu-architecture=sm_" + std::to_string(arch), "-std=c++17",
                                              "--maxrregcount=" + std::to_string(kCompiledDagRegisters)};
    const std::string dir = cache_directory();
    DagCubins out;
    out.parts = split_parts(program);
    out.cubins.resize(out.parts.size());
    std::vector<std::string> errors(out.parts.size());
    std::atomic<size_t> next{0};
    std::atomic<int> compiled{0};
    std::once_flag announced;
    auto worker = [&] {
        for (size_t i; (i = next++) < out.parts.size();) {
            try {
                const auto [first, count] = out.parts[i];
                out.cubins[i] = part_cubin(*nvrtc, part_source(program, first, count), options, dir, compiled, announced);
            } catch (const std::exception& e) {
                errors[i] = e.what();
            }
        }
    };
    // Every part on its own host thread (NVRTC compiles one program on one thread).
    const size_t threads = std::min<size_t>(out.parts.size(), available_cpus());
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (std::thread& t : pool) t.join();
    for (const std::string& e : errors)
        if (!e.empty()) throw std::runtime_error(e);
    out.compiled = size_t(compiled.load());
    return out;
}

CompiledDag::~CompiledDag() {
    for (const Part& p : parts)
        if (p.library) cudaLibraryUnload(p.library);
}

std::shared_ptr<const CompiledDag> compiled_dag_for(const DagProgram& program, int arch, uint32_t sms) {
    if (!dag_compile_enabled() || program.groups.empty()) return nullptr;
    // The source depends on the code and its groups only (constants and weights are arguments).
    // Hashed a word at a time: this runs on every round 0 of every proof.
    uint64_t key = 1469598103934665603ull;
    for (uint32_t w : program.code) key = (key ^ w) * 1099511628211ull;
    for (const DagGroup& g : program.groups) key = fnv1a(&g, sizeof g, key);
    static std::mutex mutex;
    static std::map<std::pair<uint64_t, int>, std::shared_ptr<const CompiledDag>> kept;
    static bool warned = false;
    std::lock_guard<std::mutex> lock(mutex);  // one compile at a time; the others wait for it
    auto it = kept.find({key, arch});
    if (it != kept.end()) return it->second;
    std::shared_ptr<const CompiledDag> dag;
    try {
        dag = compile(program, arch, sms);
    } catch (const std::exception& e) {
        if (!warned)
            std::fprintf(stderr, "gpustark: the constraint DAG runs interpreted on CUDA (not compiled: %s)\n", e.what());
        warned = true;
    }
    kept[{key, arch}] = dag;  // a failure is kept too: not tried again for this program
    return dag;
}

cudaError_t launch_compiled_base_sums(const CompiledDag& dag, const void* const* buffers, const void* params,
                                      size_t params_bytes, cudaStream_t stream) {
    if (params_bytes != sizeof(DagBaseSumsParams)) return cudaErrorInvalidValue;
    DagBaseSumsParams q;
    std::memcpy(&q, params, sizeof q);
    if (q.group_count == 0 || q.lanes % q.group_count != 0 || q.montgomery == 0) return cudaErrorInvalidValue;
    const uint64_t points = q.lanes / q.group_count;
    if (points == 0) return cudaSuccess;
    void* weights = const_cast<void*>(buffers[0]);
    void* constants = const_cast<void*>(buffers[1]);
    void* local = const_cast<void*>(buffers[2]);
    void* next = const_cast<void*>(buffers[3]);
    void* out = const_cast<void*>(buffers[4]);
    for (const CompiledDag::Part& part : dag.parts) {
        q.lanes = points * part.count;
        q.first_group = part.first;
        const uint64_t blocks = std::min<uint64_t>(part.grid, (q.lanes + kCompiledDagBlock - 1) / kCompiledDagBlock);
        void* args[] = {&weights, &constants, &local, &next, &out, &q};
        const cudaError_t err = cudaLaunchKernel(reinterpret_cast<const void*>(part.base_sums), dim3(unsigned(blocks)),
                                                 dim3(kCompiledDagBlock), args, 0, stream);
        if (err != cudaSuccess) return err;
    }
    return cudaSuccess;
}

}  // namespace cuda
}  // namespace gpustark
