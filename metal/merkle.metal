// Merkle tree levels (PROTOCOL 6.4): leaf digests, then one compress pass per level. They also
// stand for CUDA's hash_rows and compress (poseidon2.cu; tests/test_metal_kernel_coverage.py):
// hash_rows is merkle_leaf with MerkleParams{width, 0}, and compress(left, right) of `count`
// digests is merkle_compress over one buffer holding left then right, child_stride = count.
#include "merkle/merkle.h"

// digests[row] = H(matrix[row][0..p.width]) for row < rows.
kernel void merkle_leaf(device const u32* matrix [[buffer(0)]],
                        device u32* digests [[buffer(1)]],
                        constant MerkleParams& p [[buffer(2)]],
                        constant uint& rows [[buffer(3)]],
                        uint lane [[thread_position_in_grid]]) {
    if (lane >= rows) return;
    merkle_leaf_body(lane, matrix, digests, p);
}

// parents[node] for node < count, from 2 * count children with stride p.child_stride.
kernel void merkle_compress(device const u32* children [[buffer(0)]],
                            device u32* parents [[buffer(1)]],
                            constant MerkleParams& p [[buffer(2)]],
                            constant uint& count [[buffer(3)]],
                            uint lane [[thread_position_in_grid]]) {
    if (lane >= count) return;
    merkle_compress_body(lane, children, parents, p);
}
