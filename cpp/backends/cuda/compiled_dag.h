// An AIR's constraint DAG compiled for a CUDA GPU at run time: core/dag_source.h's functions,
// kernels/dag/dag_compiled.h's lane and a kernel around it, compiled by NVRTC (nvrtc.h) and
// loaded with the runtime's library API. Round 0's base sums then run the AIR's own straight-line
// code instead of the interpreter (3.3x faster for Keccak's program on an H100, same sums).
//
// A program is compiled in parts of about kPartInstructions instructions (whole groups), each
// its own NVRTC program, on as many host threads as there are parts: NVRTC's time grows faster
// than the code, and Keccak's 42,739 instructions take minutes as one program. Each part is kept
// on disk ($GPUSTARK_CACHE_DIR, else $XDG_CACHE_HOME/gpustark, else ~/.cache/gpustark) under a
// hash of its text, the compiler's version and options, so an AIR is compiled once per machine;
// in memory, once per process. GPUSTARK_DAG_COMPILE=0 turns compiling off (the interpreter runs).
#pragma once
#include <cuda_runtime.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../../core/dag_program.h"
#include "../gpu/device.h"

namespace gpustark {
namespace cuda {

constexpr uint32_t kPartInstructions = 4096;
// Threads per block of the compiled kernels, and the register cap that gives 4 blocks per SM.
constexpr uint32_t kCompiledDagBlock = 256;
constexpr uint32_t kCompiledDagRegisters = 64;

class CompiledDag final : public gpu::CompiledDag {
public:
    struct Part {
        uint32_t first = 0, count = 0;  // groups
        cudaLibrary_t library = nullptr;
        cudaKernel_t base_sums = nullptr;  // over Montgomery-form points
        uint64_t grid = 0;                 // blocks: a few waves of the resident ones
    };
    std::vector<Part> parts;
    ~CompiledDag() override;
};

// The program's parts compiled for sm_<arch> (no GPU needed): each part's groups (first, count)
// and cubin, taken from the cache where it has them; `compiled` counts those NVRTC compiled.
// Throws std::runtime_error when NVRTC is missing or fails (with its log).
struct DagCubins {
    std::vector<std::pair<uint32_t, uint32_t>> parts;
    std::vector<std::vector<char>> cubins;
    size_t compiled = 0;
};
DagCubins dag_cubins(const DagProgram& program, int arch);

// The program compiled for GPUs of compute capability sm_<arch> with `sms` multiprocessors, or
// null when it is not (GPUSTARK_DAG_COMPILE=0, no NVRTC, or it failed: the reason goes to stderr once per process and
// the interpreter runs). Kept per (program text, arch) for the process.
std::shared_ptr<const CompiledDag> compiled_dag_for(const DagProgram& program, int arch, uint32_t sms);

// Enqueues round 0's base sums on `stream`, as the interpreted DagBaseSums kernel with the same
// params (lanes = points * group_count, first_group ignored): one launch per part. Buffers
// (weights, constants, local, next, out).
cudaError_t launch_compiled_base_sums(const CompiledDag& dag, const void* const* buffers, const void* params,
                                      size_t params_bytes, cudaStream_t stream);

}  // namespace cuda
}  // namespace gpustark
