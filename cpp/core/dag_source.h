// An AIR's constraint DAG as source code: the device program of core/dag_program.h written out
// as straight-line functions in the kernels' shared dialect (cpp/kernels/platform.h), one per
// group, so that a GPU can compile it for the AIR at run time (NVRTC on CUDA) instead of
// interpreting the program word by word (kernels/dag/dag_code.h's dag_run). The slots become
// local variables (registers), operands become direct reads, and the interpreter's decode and
// dispatch go away. The interpreter stays: it is the reference the compiled code is tested
// against and the fallback wherever no compiler is at hand.
#pragma once
#include <string>

#include "dag_program.h"

namespace gpustark {

// Groups [first, first + count) of the program as functions (text), valid after
// kernels/dag/dag_code.h:
//
//     GS_FN u32 gs_dag_part_groups();  // count
//     template <class V, class S, class Point>
//     GS_FN DagSumsOf<S> gs_dag_run_group(u32 g, GS_CONSTANT const Ef* weights,
//                                         GS_CONSTANT const Fp* constants, Point point);
//
// gs_dag_run_group(g, ...) returns what dag_run<V, S> returns for group first + g's instructions
// at `point` (only the point's local, next and selector reads are used; the slots are the
// function's own); g >= count returns zero sums. The text depends only on the program (the AIR),
// never on a trace: the constant table (with the public values) and the weights stay arguments.
// A device may compile a large program in parts, each a range of groups, at once.
std::string dag_program_source(const DagProgram& program, size_t first, size_t count);

}  // namespace gpustark
