"""The file `gpustark prove` writes: what `gpustark verify` needs beside the proof bytes.

    b"GPUSTARK" | u32 LE header length | header (UTF-8 JSON) | proof bytes (OpenVM's codec)

The header names the workload, its options and the parameter preset, so the verifier rebuilds the
verifying key with keygen (deterministic) instead of trusting a key stored in the file.
"""
from __future__ import annotations

import json
import struct

MAGIC = b"GPUSTARK"
FORMAT_VERSION = 1


def write_proof_file(path: str, header: dict, proof_bytes: bytes) -> None:
    encoded = json.dumps({"format": FORMAT_VERSION, **header}, sort_keys=True).encode()
    with open(path, "wb") as f:
        f.write(MAGIC + struct.pack("<I", len(encoded)) + encoded + proof_bytes)


def read_proof_file(path: str) -> tuple[dict, bytes]:
    """(header, proof bytes); ValueError if the file is not a gpustark proof file."""
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 4:
        raise ValueError("not a gpustark proof file (bad magic)")
    (length,) = struct.unpack_from("<I", data, len(MAGIC))
    start = len(MAGIC) + 4
    if length > len(data) - start:
        raise ValueError("truncated proof file header")
    try:
        header = json.loads(data[start:start + length])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"malformed proof file header: {exc}") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT_VERSION:
        raise ValueError(f"unsupported proof file format {header.get('format') if isinstance(header, dict) else header!r}")
    return header, data[start + length:]
