// The CUDA backend's constraint DAG evaluation (Backend::dag_base_sums, EfTables::dag_round):
// the program, its weights and constants go to device memory once per operation, each thread
// gets a column of slot scratch, and only the sums come back (dag.cu has the kernels).
#pragma once
#include <cstddef>
#include <vector>

#include "../../core/dag_program.h"

namespace gpustark {

class CudaBackend;

// The DAG's sums at base-field points given in host memory.
void cuda_dag_base_sums(CudaBackend& backend, const DagBinding& dag, const DagBasePoints& points, DagSums* out);

// EfTables::dag_round over a trace's tables in device memory: `count` tables of `length` values,
// table c at tables + c * stride.
std::vector<Ef> cuda_dag_round(CudaBackend& backend, const Ef* tables, size_t stride, size_t length,
                               const DagBinding& dag, const Ef combine[3], const std::vector<Ef>& xs, size_t max_pairs);

}  // namespace gpustark
