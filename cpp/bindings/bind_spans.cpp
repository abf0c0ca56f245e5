// _native.spans: the span recorder for python/gpustark/spans.py. Python opens spans on the same
// per-thread stack and clock as C++ ScopedSpan, so spans nest across the boundary.
#include <pybind11/stl.h>

#include <stdexcept>

#include "../core/spans.h"
#include "bindings.h"

namespace py = pybind11;

namespace gpustark {

void bind_spans(py::module_& m) {
    py::module_ s = m.def_submodule("spans", "native span recorder (use gpustark.spans)");
    s.def("now_ns", &spans::now_ns, "Nanoseconds on the steady clock every span uses.");
    s.def("active", &spans::active, "True while a recording is open or logging is on.");
    s.def("set_logging", &spans::set_logging, py::arg("on"));
    s.def("logging", &spans::logging);
    s.def("begin_recording", &spans::begin_recording, "Start a (possibly nested) recording; returns its token.");
    s.def("end_recording", [](uint64_t token) {
        py::list out;
        for (const SpanRecord& r : spans::end_recording(token)) {
            py::dict counters;
            for (const auto& [key, value] : r.counters) counters[py::str(key)] = value;
            out.append(py::make_tuple(r.name, r.path, r.start_ns, r.end_ns, r.depth, r.parent, r.thread, counters));
        }
        return out;
    }, py::arg("token"), "(name, path, start_ns, end_ns, depth, parent, thread, counters) per span, in opening order.");
    // open returns the stack depth it created (0 when inactive, nothing opened); close checks it, so
    // Python spans closed out of order fail loudly instead of mis-nesting C++ ones.
    s.def("open", [](const std::string& name) -> size_t {
        return spans::detail::open(name.c_str()) ? spans::open_depth() : 0;
    }, py::arg("name"));
    s.def("close", [](size_t token) {
        if (token == 0) return;
        if (token != spans::open_depth())
            throw std::logic_error("spans: closing a span at depth " + std::to_string(token) + " but " +
                                   std::to_string(spans::open_depth()) + " are open on this thread (closed out of order?)");
        spans::detail::close();
    }, py::arg("token"));
    s.def("count", [](const std::string& key, int64_t delta) { spans::count(key.c_str(), delta); }, py::arg("key"),
          py::arg("delta") = 1);
}

}  // namespace gpustark
