// The CPU backend's sumcheck tables: host vectors, the pair bodies of kernels/sumcheck/tables.h
// run over the worker pool. The reference the device backends' tables are compared against.
#pragma once
#include <memory>

#include "../../core/ef_tables.h"

namespace gpustark {

class Backend;

// values == nullptr: every table starts at zero. `backend` (the CPU backend, which must outlive
// the tables) commits a table's codeword (EfTables::commit_table).
std::unique_ptr<EfTables> make_cpu_ef_tables(Backend& backend, const Ef* values, size_t count, size_t length);

}  // namespace gpustark
