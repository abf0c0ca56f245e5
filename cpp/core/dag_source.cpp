#include "dag_source.h"

#include <stdexcept>

namespace gpustark {
namespace {

// The expression reading operand `ref` (core/dag_program.h's reference encoding).
std::string operand(uint32_t ref) {
    const uint32_t index = GS_DAG_REF_INDEX(ref);
    const std::string i = std::to_string(index) + "u";
    switch (GS_DAG_REF_SRC(ref)) {
        case GS_DAG_SRC_SLOT: return "r" + std::to_string(index);
        case GS_DAG_SRC_LOCAL: return "point.local(" + i + ")";
        case GS_DAG_SRC_NEXT: return "point.next(" + i + ")";
        case GS_DAG_SRC_SELECTOR: return "point.selector(" + i + ")";
        default: return "dag_lifted<V>(constants[" + i + "])";
    }
}

// Group `index` of the program as function gs_dag_group_<g>, appended to `out`. (Strings, not
// iostreams: an ostream's number formatting crashed inside the extension on one CUDA host.)
void write_group(std::string& out, const DagProgram& p, size_t index, size_t g) {
    const DagGroup& group = p.groups[index];
    out += "template <class V, class S, class Point>\n"
           "GS_DAG_GROUP_FN DagSumsOf<S> gs_dag_group_" + std::to_string(g) +
           "(GS_CONSTANT const Ef* weights, GS_CONSTANT const Fp* constants, Point point) {\n"
           "    DagSumsOf<S> s;\n"
           "    dag_lift(ef_zero(), &s.constraint);\n"
           "    dag_lift(ef_zero(), &s.numerator);\n"
           "    dag_lift(ef_zero(), &s.denominator);\n";
    if (group.slots > 0) {
        out += "    V r0";
        for (uint32_t k = 1; k < group.slots; ++k) out += ", r" + std::to_string(k);
        out += ";\n";
    }
    out += "    S term;\n    dag_lift(ef_zero(), &term);\n";
    for (uint32_t pc = group.first; pc < group.first + group.count; ++pc) {
        const uint32_t* w = &p.code[4 * size_t(pc)];
        const uint32_t op = w[0], aux = w[1];
        const std::string a = operand(w[2]), b = operand(w[3]), slot = "r" + std::to_string(aux);
        const std::string weight = "weights[" + std::to_string(aux) + "u]";
        out += "    ";
        switch (op) {
            case GS_DAG_OP_ADD: out += slot + " = dag_add(" + a + ", " + b + ");"; break;
            case GS_DAG_OP_SUB: out += slot + " = dag_sub(" + a + ", " + b + ");"; break;
            case GS_DAG_OP_MUL: out += slot + " = dag_mul(" + a + ", " + b + ");"; break;
            case GS_DAG_OP_NEG: out += slot + " = dag_neg(" + a + ");"; break;
            case GS_DAG_OP_CONSTRAINT: out += "s.constraint = dag_add(s.constraint, dag_scale(" + weight + ", " + a + "));"; break;
            case GS_DAG_OP_NUMERATOR: out += "s.numerator = dag_add(s.numerator, dag_scale(" + weight + ", " + a + "));"; break;
            case GS_DAG_OP_DEN_BEGIN: out += "dag_lift(" + weight + ", &term);"; break;
            case GS_DAG_OP_DEN_ADD: out += "term = dag_add(term, dag_scale(" + weight + ", " + a + "));"; break;
            default: out += "s.denominator = dag_add(s.denominator, dag_scale(" + weight + ", term));"; break;  // DEN_END
        }
        out += "\n";
    }
    out += "    return s;\n}\n\n";
}

}  // namespace

std::string dag_program_source(const DagProgram& p, size_t first, size_t count) {
    if (first > p.groups.size() || count > p.groups.size() - first)
        throw std::invalid_argument("dag_program_source: groups [" + std::to_string(first) + ", +" +
                                    std::to_string(count) + ") are not in a program of " +
                                    std::to_string(p.groups.size()) + " groups");
    const std::string n = std::to_string(count);
    std::string out = "// Groups " + std::to_string(first) + ".." + std::to_string(first + count) +
                      " of a constraint DAG of " + std::to_string(p.groups.size()) + " groups (" +
                      std::to_string(p.instructions()) +
                      " instructions), written by gpustark's core/dag_source.cpp.\n"
                      "// A group is a function of its own (GS_DAG_GROUP_FN: CUDA keeps it out of line, so that the\n"
                      "// compiler optimizes one group at a time).\n"
                      "#ifndef GS_DAG_GROUP_FN\n#define GS_DAG_GROUP_FN GS_FN\n#endif\n"
                      "GS_FN u32 gs_dag_part_groups() { return " + n + "u; }\n\n";
    for (size_t g = 0; g < count; ++g) write_group(out, p, first + g, g);
    out += "template <class V, class S, class Point>\n"
           "GS_FN DagSumsOf<S> gs_dag_run_group(u32 g, GS_CONSTANT const Ef* weights, GS_CONSTANT const Fp* constants,\n"
           "    Point point) {\n"
           "    switch (g) {\n";
    for (size_t g = 0; g < count; ++g) {
        const std::string i = std::to_string(g);
        out += "        case " + i + "u: return gs_dag_group_" + i + "<V, S>(weights, constants, point);\n";
    }
    out += "        default: {\n"
           "            DagSumsOf<S> s;\n"
           "            dag_lift(ef_zero(), &s.constraint);\n"
           "            dag_lift(ef_zero(), &s.numerator);\n"
           "            dag_lift(ef_zero(), &s.denominator);\n"
           "            return s;\n"
           "        }\n    }\n}\n";
    return out;
}

}  // namespace gpustark
