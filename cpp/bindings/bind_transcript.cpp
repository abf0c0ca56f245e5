#include <pybind11/stl.h>

#include "../core/backend.h"
#include "../core/transcript.h"
#include "arrays.h"
#include "bindings.h"

namespace gpustark {

void bind_transcript(py::module_& m) {
    py::class_<Transcript>(m, "Transcript")
        .def(py::init<>())
        .def("observe", &Transcript::observe)
        .def("observe_many", &Transcript::observe_many)
        .def("observe_ext", &Transcript::observe_ext)
        .def("sample", &Transcript::sample)
        .def("sample_ext", &Transcript::sample_ext)
        .def("sample_bits", &Transcript::sample_bits)
        .def("check_witness", &Transcript::check_witness)
        .def("grind", [](Transcript& t, uint32_t bits, const std::string& backend) {
            Backend& b = get_backend(backend);
            py::gil_scoped_release release;
            return t.grind(bits, b);
        })
        .def("replay_witnesses", &Transcript::replay_witnesses)
        .def("copy", [](const Transcript& t) { return Transcript(t); })
        .def_property_readonly("state", [](const Transcript& t) { return std::vector<uint32_t>(t.state().begin(), t.state().end()); })
        .def_property_readonly("absorb_index", &Transcript::absorb_index)
        .def_property_readonly("sample_index", &Transcript::sample_index);
}

}  // namespace gpustark
