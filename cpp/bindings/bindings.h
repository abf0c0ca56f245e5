#pragma once
#include <pybind11/pybind11.h>

namespace gpustark {

void bind_field(pybind11::module_& m);
void bind_hash(pybind11::module_& m);
void bind_ntt(pybind11::module_& m);
void bind_merkle(pybind11::module_& m);
void bind_transcript(pybind11::module_& m);
// Prover phases: the stacked PCS (commit, stacked reduction, WHIR) and the RAP constraints
// (LogUp-GKR, batch constraint sumcheck).
void bind_pcs(pybind11::module_& m);
void bind_rap(pybind11::module_& m);
// Timing spans shared with C++ ScopedSpan (gpustark.spans).
void bind_spans(pybind11::module_& m);
// gpustark._native.verifier: the Python verifier's native fast paths.
void bind_verifier(pybind11::module_& m);
// gpustark._native.metal: Metal buffers as numpy views (or why Metal is not built).
void bind_metal(pybind11::module_& m);
void bind_cuda(pybind11::module_& m);

}  // namespace gpustark
