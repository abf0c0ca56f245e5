// The `metal` backend in the registry (Apple builds only: open_system_device is device.mm's).
#include <memory>

#include "metal_backend.h"

namespace gpustark {

void register_metal_backend() {
    register_backend("metal", []() -> std::unique_ptr<Backend> {
        return std::make_unique<MetalBackend>(metal::open_system_device());
    });
}

}  // namespace gpustark
