// NVRTC, CUDA's compiler as a library, loaded when first needed: the extension links no part of
// it, so it imports (and the interpreter runs) where NVRTC is not installed. Used to compile an
// AIR's constraint DAG for the GPU at run time (compiled_dag.h).
#pragma once
#include <string>
#include <vector>

namespace gpustark {
namespace cuda {

class Nvrtc {
public:
    // The library, found once per process: $GPUSTARK_NVRTC (a path) if set, else libnvrtc by its
    // sonames (13, 12, unversioned) on the loader's path, then under $CUDA_HOME/lib64 and
    // /usr/local/cuda/lib64. Null when none loads; why() then says what was tried.
    static const Nvrtc* get();
    static std::string why();

    // "major.minor" of the loaded library.
    std::string version() const;
    // Compiles `source` to a cubin with `options`. Throws std::runtime_error with the compiler's
    // log when compilation fails.
    std::vector<char> compile_cubin(const std::string& source, const std::string& name,
                                    const std::vector<std::string>& options) const;

    struct Api;  // the entry points (nvrtc.cpp)

private:
    explicit Nvrtc(const Api* api) : api_(api) {}
    const Api* api_;
};

}  // namespace cuda
}  // namespace gpustark
