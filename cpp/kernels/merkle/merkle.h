// Merkle tree bodies (PROTOCOL 6.4). Level 0 holds one digest per matrix row. A level of size
// 2M is compressed into one of size M with a child stride s: node i combines children
// c0 = (i % s) + 2 (i / s) s and c0 + s. The first k levels use s = L / 2^k, which folds the
// rows y + t L/2^k (t < 2^k) of one query group in t order; the levels above use s = 1, the
// ordinary tree over adjacent pairs.
#pragma once
#include "../hash/hash.h"
#include "../ntt/ntt.h"

struct MerkleParams {
    u32 width;        // leaf level: words per row
    u32 child_stride; // compress levels: s above
    u32 count;        // lanes of the dispatch: rows (leaf level) or nodes of the level built
    u32 row_bits;     // leaf level: 0, or log2(rows) when row i lies at its bit reversal (a
                      // codeword left in an NTT's bit-reversed order, ntt_params.h)
};

#ifndef __METAL_VERSION__
static_assert(sizeof(MerkleParams) == 16, "MerkleParams layout is shared with MSL and CUDA");
#endif

// Lane = row index: digests[row] = H(matrix[row][0..width]), row read where p.row_bits says.
GS_FN void merkle_leaf_lane(u32 row, GS_DEVICE const u32* matrix, GS_DEVICE u32* digests, MerkleParams p) {
    const u32 at = p.row_bits != 0u ? ntt_bit_reverse(row, p.row_bits) : row;
    hash_row(matrix + (u64)at * p.width, p.width, digests + (u64)row * GS_DIGEST_WIDTH);
}

GS_FN u32 merkle_left_child(u32 node, u32 child_stride) {
    return node % child_stride + 2u * (node / child_stride) * child_stride;
}

// Lane = node index of the level being built from `children`.
GS_FN void merkle_compress_lane(u32 node, GS_DEVICE const u32* children, GS_DEVICE u32* parents, MerkleParams p) {
    u32 left = merkle_left_child(node, p.child_stride);
    compress_digests(children + left * GS_DIGEST_WIDTH, children + (left + p.child_stride) * GS_DIGEST_WIDTH,
                     parents + node * GS_DIGEST_WIDTH);
}
