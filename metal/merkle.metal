// Merkle tree levels (PROTOCOL 6.4): leaf digests, then one compress pass per level. They also
// stand for hash_rows and compress on every GPU (gpu/gpu_hash.cpp): hash_rows is merkle_leaf
// with MerkleParams{width, 0, rows, 0}, and compress(left, right) of `count` digests is
// merkle_compress over one buffer holding left then right, child_stride = count.
#include "merkle/merkle.h"

// digests[row] = H(matrix[row][0..p.width]) for row < p.count.
kernel void merkle_leaf(device const u32* matrix [[buffer(0)]],
                        device u32* digests [[buffer(1)]],
                        constant MerkleParams& p [[buffer(2)]],
                        uint lane [[thread_position_in_grid]]) {
    if (lane >= p.count) return;
    merkle_leaf_lane(lane, matrix, digests, p);
}

// parents[node] for node < p.count, from 2 * p.count children with stride p.child_stride.
kernel void merkle_compress(device const u32* children [[buffer(0)]],
                            device u32* parents [[buffer(1)]],
                            constant MerkleParams& p [[buffer(2)]],
                            uint lane [[thread_position_in_grid]]) {
    if (lane >= p.count) return;
    merkle_compress_lane(lane, children, parents, p);
}
