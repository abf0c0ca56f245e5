// The Backend interface's default compositions of its own primitives.
#include "backend.h"

#include "parallel.h"

#include <algorithm>
#include <stdexcept>

namespace gpustark {

MerkleTree Backend::encode_and_commit(const uint32_t* message, size_t message_rows, uint32_t width, uint32_t log_rows,
                                      uint32_t log_group) {
    const size_t rows = size_t(1) << log_rows;
    if (message_rows > rows) throw std::invalid_argument("encode_and_commit: the message has more rows than the codeword");
    std::vector<uint32_t> codeword(rows * size_t(width));
    const size_t filled = message_rows * size_t(width);
    parallel_for(codeword.size(), size_t(1) << 16, [&](size_t begin, size_t end) {  // rows beyond the message: zero
        for (size_t i = begin; i < end; ++i) codeword[i] = i < filled ? message[i] : 0;
    });
    ntt(codeword.data(), NttShape{log_rows, width}, /*inverse=*/false, /*shift=*/1);
    return merkle_tree(codeword.data(), rows, width, log_group);
}

}  // namespace gpustark
