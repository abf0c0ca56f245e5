#include "builtin.h"

#include "cpu/cpu_backend.h"
#include "dual/dual_backend.h"
#ifdef GPUSTARK_WITH_CUDA
#include "cuda/cuda_backend.h"
#endif
#ifdef GPUSTARK_WITH_METAL  // defined by linking gpustark_metal (Apple builds, cpp/backends/metal)
#include "metal/metal_backend.h"
#endif

namespace gpustark {

void register_builtin_backends() {
    static const bool done = [] {
        register_cpu_backend();
        register_dual_backend();
#ifdef GPUSTARK_WITH_CUDA
        register_cuda_backend();
#endif
#ifdef GPUSTARK_WITH_METAL
        register_metal_backend();
#endif
        return true;
    }();
    (void)done;
}

}  // namespace gpustark
