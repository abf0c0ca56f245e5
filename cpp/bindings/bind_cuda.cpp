// gpustark._native.cuda_dag_cubins: an AIR's constraint DAG compiled by NVRTC for a CUDA
// architecture, without a GPU (backends/cuda/compiled_dag.h), so that the generated CUDA source
// is checked wherever NVRTC is installed. Raises RuntimeError in a build without CUDA.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "../core/air_program.h"
#include "../core/dag_program.h"
#include "bindings.h"

#if GPUSTARK_WITH_CUDA
#include "../backends/cuda/compiled_dag.h"
#include "../backends/cuda/nvrtc.h"
#endif

namespace py = pybind11;

namespace gpustark {

void bind_cuda(py::module_& m) {
    m.def(
        "cuda_dag_cubins",
        [](const AirProgram& air, int arch) {
#if GPUSTARK_WITH_CUDA
            if (arch < 50 || arch > 200) throw py::value_error("cuda_dag_cubins: arch is major * 10 + minor, e.g. 90");
            cuda::DagCubins built;
            {
                py::gil_scoped_release release;
                built = cuda::dag_cubins(*compiled_dag(air), arch);
            }
            py::list cubins;
            for (const std::vector<char>& c : built.cubins) cubins.append(py::bytes(c.data(), c.size()));
            py::dict out;
            out["parts"] = built.parts;
            out["cubins"] = cubins;
            out["compiled"] = built.compiled;
            out["nvrtc"] = cuda::Nvrtc::get()->version();
            return out;
#else
            (void)air;
            (void)arch;
            throw std::runtime_error("cuda_dag_cubins: this build has no CUDA backend");
#endif
        },
        py::arg("air"), py::arg("arch"));
}

}  // namespace gpustark
