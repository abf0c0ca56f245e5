"""The file `gpustark prove` writes: OpenVM's proof bytes behind a small header.

    b"GPUSTARK" | u32 LE header length | header (UTF-8 JSON) | proof bytes (OpenVM's codec)

The header names the workload, its options, the parameter preset and the required AIRs. Nothing
in the proof binds it: it is a note from whoever wrote the file. `gpustark verify --vk KEY` ignores
it; without --vk the verifier rebuilds the key from it (keygen is deterministic), which shows only
that the file is consistent with itself. `gpustark prove --raw` writes the proof bytes alone,
which OpenVM's `Proof::decode` reads; verify tells the two apart by the magic.
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


def is_proof_file(data: bytes) -> bool:
    """True if `data` starts with gpustark's magic (else it may be raw OpenVM proof bytes)."""
    return data.startswith(MAGIC)


def parse_proof_file(data: bytes) -> tuple[dict, bytes]:
    """(header, proof bytes); ValueError if `data` is not a gpustark proof file."""
    if not is_proof_file(data) or len(data) < len(MAGIC) + 4:
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
