#include "air_program.h"

#include <stdexcept>

namespace gpustark {

void AirProgram::validate() const {
    auto fail = [&](size_t i, const std::string& why) {
        throw std::invalid_argument("AIR '" + name + "': node " + std::to_string(i) + " " + why);
    };
    for (size_t i = 0; i < nodes.size(); ++i) {
        const DagNode& n = nodes[i];
        switch (n.kind) {
            case kNodeMain:
                if (n.a != 0) fail(i, "reads part " + std::to_string(n.a) + "; only the common main part is supported");
                if (n.b >= width) fail(i, "reads column " + std::to_string(n.b) + " of a width-" + std::to_string(width) + " trace");
                if (n.c > 1) fail(i, "has row offset " + std::to_string(n.c) + "; offsets are 0 or 1");
                if (n.c == 1 && !need_rot) fail(i, "reads the next row but need_rot is false");
                break;
            case kNodePublic:
                if (n.a >= num_public_values) fail(i, "reads public value " + std::to_string(n.a) + " of " + std::to_string(num_public_values));
                break;
            case kNodeIsFirst: case kNodeIsLast: case kNodeIsTransition: break;
            case kNodeConstant:
                if (n.a >= GS_P) fail(i, "has a constant >= p");
                break;
            case kNodeAdd: case kNodeSub: case kNodeMul:
                if (n.a >= i || n.b >= i) fail(i, "refers to a later node");
                break;
            case kNodeNeg:
                if (n.a >= i) fail(i, "refers to a later node");
                break;
            default: fail(i, "has unknown kind " + std::to_string(n.kind));
        }
    }
    uint32_t previous = 0;
    for (size_t k = 0; k < constraints.size(); ++k) {
        if (constraints[k] >= nodes.size()) fail(constraints[k], "is a constraint but does not exist");
        if (k && constraints[k] <= previous) throw std::invalid_argument("AIR '" + name + "': constraint nodes must be strictly ascending");
        previous = constraints[k];
    }
    for (const auto& interaction : interactions) {
        if (interaction.count >= nodes.size()) fail(interaction.count, "is an interaction count but does not exist");
        if (interaction.message.empty()) throw std::invalid_argument("AIR '" + name + "': an interaction has an empty message");
        for (uint32_t m : interaction.message)
            if (m >= nodes.size()) fail(m, "is an interaction field but does not exist");
    }
}

}  // namespace gpustark
