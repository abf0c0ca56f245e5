"""Rust serde shapes, written and read as postcard bytes and as serde_json text.

OpenVM serializes its keys with serde: `postcard` for the bytes it hashes into `pre_hash`, and
`serde_json` for human-readable files. One schema (the Rust types, written here as small Python
objects) drives both formats, so the two can never disagree on field order or shape.

Values in Python follow serde's data model:

    struct          dict, keys in the Rust field order
    enum            (variant name, payload): payload None for a unit variant, a value for a
                    newtype variant, a dict for a struct variant
    Option          None or the value
    Vec, [T; N]     list
    integers, bool  int, bool
    BabyBear        its canonical int (the schema converts to Plonky3's serde form, which is the
                    Montgomery value x * 2^32 mod p, in both formats)
    PhantomData     None

postcard: unsigned integers wider than u8 are LEB128 varints, signed ones zigzag varints, u8 and
bool one byte, Option a 0/1 tag byte, Vec a varint length, enum a varint variant index, and
structs, tuples and arrays their fields in order with no framing.
serde_json: structs are objects in field order, enums externally tagged (`"Unit"` or
`{"Variant": payload}`), PhantomData `null`, and the text compact (no spaces).
"""
from __future__ import annotations

import json
from typing import Any, Sequence

from .._checks import P

__all__ = ["SerdeError", "U8", "U16", "U32", "USIZE", "ISIZE", "BOOL", "FIELD", "PHANTOM", "Option", "Vec", "Array",
           "Struct", "Enum", "to_postcard", "from_postcard", "to_json", "from_json"]

_MONTY = (1 << 32) % P
_MONTY_INV = pow(_MONTY, -1, P)


class SerdeError(ValueError):
    """Bytes or JSON that do not match the schema; the message names the field path."""


def _where(path) -> str:
    """A field path for messages. Paths are built as (parent, field name or list index) pairs and
    only spelled out on error: formatting one per value would cost more than the encoding."""
    parts = []
    while isinstance(path, tuple):
        path, part = path
        parts.append(f"[{part}]" if isinstance(part, int) else f".{part}")
    return path + "".join(reversed(parts))


class _Reader:
    def __init__(self, data: bytes):
        self.data = memoryview(data)
        self.pos = 0

    def byte(self, path) -> int:
        if self.pos >= len(self.data):
            raise SerdeError(f"{_where(path)}: the bytes end early (at byte {self.pos})")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def varint(self, bits: int, path) -> int:
        value, shift = 0, 0
        max_bytes = (bits + 6) // 7
        for i in range(max_bytes):
            b = self.byte(path)
            value |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                if value >> bits or (i and b == 0):
                    raise SerdeError(f"{_where(path)}: malformed varint (overlong or above {bits} bits)")
                return value
        raise SerdeError(f"{_where(path)}: varint longer than {max_bytes} bytes")


def _varint(value: int, out: bytearray) -> None:
    while True:
        low = value & 0x7F
        value >>= 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return


def _expect_int(value: Any, lo: int, hi: int, path) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise SerdeError(f"{_where(path)}: expected an integer in [{lo}, {hi}], found {value!r}")
    return value


class _Unsigned:
    def __init__(self, bits: int):
        self.bits = bits
        self.max = (1 << bits) - 1

    def check(self, value, path):
        return _expect_int(value, 0, self.max, path)

    def write(self, value, out, path):
        # The common case first (keys hold tens of thousands of small integers).
        if type(value) is not int or not 0 <= value <= self.max:
            self.check(value, path)
        if value < 0x80 or self.bits == 8:
            out.append(value)
        else:
            _varint(value, out)

    def read(self, reader, path):
        return reader.byte(path) if self.bits == 8 else reader.varint(self.bits, path)

    def to_json(self, value, path):
        return self.check(value, path)

    def from_json(self, obj, path):
        return self.check(obj, path)


class _Signed:
    """isize: zigzag then varint (postcard); a plain number in JSON."""

    bits = 64

    def check(self, value, path):
        return _expect_int(value, -(1 << 63), (1 << 63) - 1, path)

    def write(self, value, out, path):
        value = self.check(value, path)
        _varint(((value << 1) ^ (value >> 63)) & ((1 << 64) - 1), out)

    def read(self, reader, path):
        z = reader.varint(64, path)
        return (z >> 1) ^ -(z & 1)

    def to_json(self, value, path):
        return self.check(value, path)

    def from_json(self, obj, path):
        return self.check(obj, path)


class _Bool:
    def write(self, value, out, path):
        if not isinstance(value, bool):
            raise SerdeError(f"{_where(path)}: expected a bool, found {value!r}")
        out.append(int(value))

    def read(self, reader, path):
        b = reader.byte(path)
        if b > 1:
            raise SerdeError(f"{_where(path)}: a bool must be 0 or 1, found {b}")
        return bool(b)

    def to_json(self, value, path):
        if not isinstance(value, bool):
            raise SerdeError(f"{_where(path)}: expected a bool, found {value!r}")
        return value

    def from_json(self, obj, path):
        return self.to_json(obj, path)


class _Field:
    """BabyBear: canonical in Python, Montgomery (x * 2^32 mod p) in both of Plonky3's serde forms."""

    def write(self, value, out, path):
        _varint(_expect_int(value, 0, P - 1, path) * _MONTY % P, out)

    def read(self, reader, path):
        monty = reader.varint(32, path)
        if monty >= P:
            raise SerdeError(f"{_where(path)}: field element {monty} is not below p = {P}")
        return monty * _MONTY_INV % P

    def to_json(self, value, path):
        return _expect_int(value, 0, P - 1, path) * _MONTY % P

    def from_json(self, obj, path):
        return _expect_int(obj, 0, P - 1, path) * _MONTY_INV % P


class _Phantom:
    """PhantomData: nothing in postcard, null in JSON."""

    def write(self, value, out, path):
        if value is not None:
            raise SerdeError(f"{_where(path)}: expected None (PhantomData), found {value!r}")

    def read(self, reader, path):
        return None

    def to_json(self, value, path):
        self.write(value, None, path)
        return None

    def from_json(self, obj, path):
        if obj is not None:
            raise SerdeError(f"{_where(path)}: expected null (PhantomData), found {obj!r}")
        return None


class Option:
    def __init__(self, inner):
        self.inner = inner

    def write(self, value, out, path):
        if value is None:
            out.append(0)
        else:
            out.append(1)
            self.inner.write(value, out, path)

    def read(self, reader, path):
        tag = reader.byte(path)
        if tag > 1:
            raise SerdeError(f"{_where(path)}: an Option tag must be 0 or 1, found {tag}")
        return self.inner.read(reader, path) if tag else None

    def to_json(self, value, path):
        return None if value is None else self.inner.to_json(value, path)

    def from_json(self, obj, path):
        return None if obj is None else self.inner.from_json(obj, path)


def _expect_list(value, path, length=None) -> list:
    if not isinstance(value, (list, tuple)):
        raise SerdeError(f"{_where(path)}: expected a list, found {type(value).__name__}")
    if length is not None and len(value) != length:
        raise SerdeError(f"{_where(path)}: expected {length} entries, found {len(value)}")
    return list(value)


class Vec:
    # A length read from untrusted bytes is bounded by the bytes left (every item takes at least
    # one byte, except zero-sized ones, which no schema here has), so a bad length cannot allocate.
    def __init__(self, inner):
        self.inner = inner

    def write(self, value, out, path):
        items = _expect_list(value, path)
        _varint(len(items), out)
        for i, item in enumerate(items):
            self.inner.write(item, out, (path, i))

    def read(self, reader, path):
        count = reader.varint(64, path)
        if count > len(reader.data) - reader.pos:
            raise SerdeError(f"{_where(path)}: length {count} exceeds the {len(reader.data) - reader.pos} bytes left")
        return [self.inner.read(reader, (path, i)) for i in range(count)]

    def to_json(self, value, path):
        return [self.inner.to_json(item, (path, i)) for i, item in enumerate(_expect_list(value, path))]

    def from_json(self, obj, path):
        return [self.inner.from_json(item, (path, i)) for i, item in enumerate(_expect_list(obj, path))]


class Array(Vec):
    """[T; N]: a tuple of N, with no length in postcard."""

    def __init__(self, inner, length: int):
        super().__init__(inner)
        self.length = length

    def write(self, value, out, path):
        for i, item in enumerate(_expect_list(value, path, self.length)):
            self.inner.write(item, out, (path, i))

    def read(self, reader, path):
        return [self.inner.read(reader, (path, i)) for i in range(self.length)]

    def to_json(self, value, path):
        return super().to_json(_expect_list(value, path, self.length), path)

    def from_json(self, obj, path):
        return super().from_json(_expect_list(obj, path, self.length), path)


def _expect_fields(value, names: Sequence[str], path) -> dict:
    if not isinstance(value, dict):
        raise SerdeError(f"{_where(path)}: expected an object, found {type(value).__name__}")
    missing = [n for n in names if n not in value]
    extra = [k for k in value if k not in names]
    if missing or extra:
        raise SerdeError(f"{_where(path)}: " + "; ".join(filter(None, [
            missing and f"missing field(s) {', '.join(missing)}", extra and f"unknown field(s) {', '.join(map(str, extra))}"])))
    return value


class Struct:
    def __init__(self, *fields: tuple[str, Any]):
        self.fields = fields
        self.names = [name for name, _ in fields]

    def write(self, value, out, path):
        if type(value) is not dict or len(value) != len(self.names):
            _expect_fields(value, self.names, path)
        for name, kind in self.fields:
            try:
                item = value[name]
            except KeyError:
                raise SerdeError(f"{_where(path)}: missing field(s) {name}") from None
            kind.write(item, out, (path, name))

    def read(self, reader, path):
        return {name: kind.read(reader, (path, name)) for name, kind in self.fields}

    def to_json(self, value, path):
        value = _expect_fields(value, self.names, path)
        return {name: kind.to_json(value[name], (path, name)) for name, kind in self.fields}

    def from_json(self, obj, path):
        obj = _expect_fields(obj, self.names, path)
        return {name: kind.from_json(obj[name], (path, name)) for name, kind in self.fields}


class Enum:
    """Variants in declaration order (postcard writes the index); payload None for unit variants."""

    def __init__(self, *variants: tuple[str, Any]):
        self.variants = variants
        self.index = {name: i for i, (name, _) in enumerate(variants)}

    def _variant(self, value, path):
        if not (isinstance(value, tuple) and len(value) == 2 and value[0] in self.index):
            raise SerdeError(f"{_where(path)}: expected one of {', '.join(self.index)} as (name, payload), found {value!r}")
        return self.index[value[0]]

    def write(self, value, out, path):
        i = self._variant(value, path)
        _varint(i, out)
        name, payload = self.variants[i]
        if payload is not None:
            payload.write(value[1], out, (path, name))

    def read(self, reader, path):
        i = reader.varint(32, path)
        if i >= len(self.variants):
            raise SerdeError(f"{_where(path)}: variant index {i} is not one of {', '.join(self.index)}")
        name, payload = self.variants[i]
        return name, None if payload is None else payload.read(reader, (path, name))

    def to_json(self, value, path):
        i = self._variant(value, path)
        name, payload = self.variants[i]
        return name if payload is None else {name: payload.to_json(value[1], (path, name))}

    def from_json(self, obj, path):
        if isinstance(obj, str) and obj in self.index and self.variants[self.index[obj]][1] is None:
            return obj, None
        if isinstance(obj, dict) and len(obj) == 1:
            (name, inner), = obj.items()
            if name in self.index and self.variants[self.index[name]][1] is not None:
                return name, self.variants[self.index[name]][1].from_json(inner, (path, name))
        raise SerdeError(f"{_where(path)}: expected one of {', '.join(self.index)}, found {json.dumps(obj)[:80]}")


U8, U16, U32, USIZE = _Unsigned(8), _Unsigned(16), _Unsigned(32), _Unsigned(64)
ISIZE, BOOL, FIELD, PHANTOM = _Signed(), _Bool(), _Field(), _Phantom()


def to_postcard(schema, value) -> bytes:
    out = bytearray()
    schema.write(value, out, "$")
    return bytes(out)


def from_postcard(schema, data: bytes, *, what: str = "value") -> Any:
    """Decode exactly `data` (trailing bytes are an error)."""
    reader = _Reader(data)
    try:
        value = schema.read(reader, "$")
    except RecursionError:
        raise SerdeError(f"{what}: nested too deeply") from None
    if reader.pos != len(data):
        raise SerdeError(f"{what}: {len(data) - reader.pos} bytes left over after the value")
    return value


def to_json(schema, value) -> str:
    """serde_json's compact text."""
    return json.dumps(schema.to_json(value, "$"), separators=(",", ":"))


def from_json(schema, text: str | bytes) -> Any:
    try:
        obj = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SerdeError(f"not JSON: {exc}") from None
    return schema.from_json(obj, "$")
