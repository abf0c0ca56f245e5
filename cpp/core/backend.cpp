// The Backend interface's default compositions of its own primitives.
#include "backend.h"

#include <algorithm>
#include <stdexcept>

namespace gpustark {

MerkleTree Backend::encode_and_commit(const uint32_t* message, size_t message_rows, uint32_t width, uint32_t log_rows,
                                      uint32_t log_group) {
    const size_t rows = size_t(1) << log_rows;
    if (message_rows > rows) throw std::invalid_argument("encode_and_commit: the message has more rows than the codeword");
    std::vector<uint32_t> codeword(rows * size_t(width), 0);  // rows beyond the message stay zero
    std::copy(message, message + message_rows * size_t(width), codeword.begin());
    ntt(codeword.data(), NttShape{log_rows, width}, /*inverse=*/false, /*shift=*/1);
    return merkle_tree(codeword.data(), rows, width, log_group);
}

}  // namespace gpustark
