// gpu::Device's defaults for programs compiled at run time (device.h): a device that compiles
// nothing, whose phases run the interpreter.
#include <stdexcept>

#include "device.h"

namespace gpustark {
namespace gpu {

std::shared_ptr<const CompiledDag> Device::compiled_dag(const DagProgram&) { return nullptr; }

void Device::dispatch_compiled_base_sums(const CompiledDag&, uint64_t, std::initializer_list<Buffer>,
                                         const DagBaseSumsParams&) {
    throw std::logic_error("dispatch_compiled_base_sums: this device compiles no program");
}

}  // namespace gpu
}  // namespace gpustark
