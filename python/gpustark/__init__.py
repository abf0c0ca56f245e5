"""gpustark: SWIRL (OpenVM v2) STARK proving and verification on Metal, CUDA and the CPU.

    import gpustark
    from gpustark.examples import fibonacci_air, fibonacci_trace, fibonacci_public_values

    params = gpustark.test_params_small()
    pk, vk = gpustark.keygen([fibonacci_air()], params)
    trace = fibonacci_trace(64)
    proof = gpustark.prove(pk, [trace], public_values=[fibonacci_public_values(trace)])
    gpustark.verify(vk, proof)                    # raises gpustark.VerificationError if invalid
    data = proof.to_bytes()                       # OpenVM's binary codec

Primitives, on numpy uint32 arrays of canonical BabyBear elements:

    gpustark.field      BabyBear and its quartic extension
    gpustark.hash       Poseidon2-16, the leaf hash H and compression C
    gpustark.ntt        batched NTTs over Plonky3's two-adic subgroups
    gpustark.merkle     Merkle commitments with grouped query leaves
    gpustark.Transcript the Fiat-Shamir duplex sponge with proof-of-work grinding

Each prover phase alone (commit, LogUp-GKR, batch constraints, stacking, WHIR): gpustark.phases.

Every function takes `backend=` ('cpu', or a device backend from gpustark.backends()).
"""
from ._nvrtc import point_native_loader_at_wheel

point_native_loader_at_wheel()  # before any CUDA proof: NVRTC compiles the AIRs' DAGs

from . import field, hash, merkle, ntt, phases  # noqa: A004 - `hash` is the protocol's name
from ._backend import backends, device_info, device_memory, host_memory, release_device_memory, release_host_memory
from .air import Air
from .keygen import ProvingKey, VerifyingKey, keygen
from .many import prove_many
from .params import SystemParams, app_params_with_100_bits_security, test_params_small
from .proof import Proof, ProofFormatError
from .prover import prove
from .trace_memory import empty_trace, trace_in_backend_memory
from .transcript import Transcript
from .verifier.errors import VerificationError
from .verifier.verify import verify

__version__ = "0.1.0"
__all__ = ["Air", "keygen", "prove", "prove_many", "verify", "Proof", "ProofFormatError", "VerificationError", "ProvingKey",
           "VerifyingKey", "SystemParams", "test_params_small", "app_params_with_100_bits_security", "field", "hash",
           "merkle", "ntt", "phases", "Transcript", "backends", "device_info", "device_memory", "release_device_memory",
           "host_memory", "release_host_memory", "empty_trace", "trace_in_backend_memory", "__version__"]
