// gpustark._native: the native half of the package. Python wraps every function with input
// validation and docs (python/gpustark/); call through that layer, not this one.
#include <pybind11/stl.h>

#include "../backends/builtin.h"
#include "../core/backend.h"
#include "../core/host_block_cache.h"
#include "arrays.h"
#include "bindings.h"

namespace py = pybind11;
using namespace gpustark;

PYBIND11_MODULE(_native, m) {
    m.doc() = "gpustark native core (use the gpustark package, not this module)";
    register_builtin_backends();

    m.def("backends", &available_backends, "Names of the backends that built and found a device.");
    m.def("backend_status", [] {
        std::vector<std::tuple<std::string, bool, std::string>> out;
        for (const auto& s : backend_status()) out.emplace_back(s.name, s.started, s.reason);
        return out;
    }, "(name, started, why not) for every backend this build registered.");
    m.def("device_info", [](const std::string& name) {
        DeviceInfo d = get_backend(name).info();
        py::dict out;
        out["backend"] = d.backend;
        out["name"] = d.name;
        out["limits"] = d.limits;
        return out;
    });
    m.def("device_memory", [](const std::string& name, bool reset_peak) {
        Backend& b = get_backend(name);
        DeviceMemory d = b.device_memory();
        if (reset_peak) b.reset_device_memory_peak();
        py::dict out;
        out["tracked"] = d.tracked;
        out["in_use_bytes"] = d.in_use_bytes;
        out["peak_bytes"] = d.peak_bytes;
        out["cached_bytes"] = d.cached_bytes;
        return out;
    }, py::arg("backend"), py::arg("reset_peak") = false,
       "Device memory the backend holds and its peak since the last reset (then resets the peak when asked).");
    m.def("release_cached_memory", [](const std::string& name) {
        Backend& b = get_backend(name);
        py::gil_scoped_release release;  // it waits for the device's queued work
        b.release_cached_memory();
    }, py::arg("backend"), "Gives the memory the backend keeps for reuse back to the system.");
    m.def("host_memory", [] {
        const host_cache::Stats s = host_cache::stats();
        py::dict out;
        out["live_bytes"] = s.live_bytes;
        out["cached_bytes"] = s.cached_bytes;
        out["peak_bytes"] = s.peak_bytes;
        out["hits"] = s.hits;
        out["misses"] = s.misses;
        return out;
    }, "The host block cache's counters (core/host_block_cache.h).");
    m.def("release_host_memory", [] { return host_cache::release(); },
          "Gives the large host blocks kept for reuse back to the OS; returns how many bytes that was.");
    m.attr("P") = py::int_(GS_P);

    bind_field(m);
    bind_hash(m);
    bind_ntt(m);
    bind_merkle(m);
    bind_transcript(m);
    bind_pcs(m);
    bind_rap(m);
    bind_spans(m);
    bind_verifier(m);
    bind_metal(m);
    bind_cuda(m);
}
