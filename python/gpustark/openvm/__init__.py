"""OpenVM's serialized forms: the verifying key as postcard bytes and serde JSON (its proofs use
OpenVM's own binary codec, gpustark.proof)."""
from .key_codec import CODEC_VERSION, decode_key, encode_key, pre_hash_input
from .serde import SerdeError

__all__ = ["CODEC_VERSION", "decode_key", "encode_key", "pre_hash_input", "SerdeError"]
