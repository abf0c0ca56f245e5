// The Backend interface's default compositions of its own primitives.
#include "backend.h"

#include "host_memory.h"
#include "parallel.h"

#include <algorithm>
#include <stdexcept>

namespace gpustark {

HostVector<uint32_t> Backend::encode_codeword(const uint32_t* message, size_t message_rows, uint32_t width, uint32_t log_rows) {
    const size_t rows = size_t(1) << log_rows;
    if (message_rows > rows) throw std::invalid_argument("encode_and_commit: the message has more rows than the codeword");
    HostVector<uint32_t> codeword = uninitialized_vector<uint32_t>(rows * size_t(width));
    const size_t filled = message_rows * size_t(width);
    parallel_copy(message, filled, codeword.data());
    uint32_t* tail = codeword.data() + filled;  // rows beyond the message: zero
    parallel_for(codeword.size() - filled, size_t(1) << 16, [&](size_t b, size_t e) { std::fill(tail + b, tail + e, 0u); });
    ntt(codeword.data(), NttShape{log_rows, width}, /*inverse=*/false, /*shift=*/1);
    return codeword;
}

MerkleTree Backend::encode_and_commit(const uint32_t* message, size_t message_rows, uint32_t width, uint32_t log_rows,
                                      uint32_t log_group) {
    const HostVector<uint32_t> codeword = encode_codeword(message, message_rows, width, log_rows);
    return merkle_tree(codeword.data(), size_t(1) << log_rows, width, log_group);
}

}  // namespace gpustark
