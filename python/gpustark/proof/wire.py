"""The Reader/Writer pair: u32 words, canonical field elements and length prefixes, with the field
name and byte offset in every error."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._checks import P
from .types import DIGEST_WIDTH, EXT_DEGREE, MAX_K_WHIR, ProofFormatError

WORD = 4  # every scalar on the wire is one little-endian u32
_LE_U32 = np.dtype("<u4")


class Reader:
    """Cursor over the input. Every read names its field, so errors say what and where.

    Sizes are checked against the bytes left *before* anything is allocated, which plays the role
    of upstream's `vec_with_capped_capacity`: a forged length can never make us allocate more than
    the input could fill.
    """

    def __init__(self, data: bytes):
        self._data = data
        self.pos = 0

    @property
    def remaining(self) -> int:
        return len(self._data) - self.pos

    def error(self, name: str, message: str, pos: int | None = None) -> ProofFormatError:
        return ProofFormatError(f"{name}: {message} (byte offset {self.pos if pos is None else pos})")

    def _take(self, name: str, nbytes: int) -> int:
        """Consume nbytes and return where they start."""
        if nbytes > self.remaining:
            raise self.error(name, f"needs {nbytes} bytes but only {self.remaining} remain")
        start = self.pos
        self.pos += nbytes
        return start

    def u32(self, name: str) -> int:
        """A raw u32 word (a usize or a length)."""
        start = self._take(name, WORD)
        return int.from_bytes(self._data[start:start + WORD], "little")

    def length(self, name: str, min_item_bytes: int) -> int:
        """A u32 length prefix whose items take at least min_item_bytes each: rejected at once if
        they cannot fit in what is left, so no loop or allocation ever follows a forged length."""
        start = self.pos
        n = self.u32(name)
        if n * min_item_bytes > self.remaining:
            raise self.error(name, f"length {n} needs at least {n * min_item_bytes} bytes "
                                   f"but only {self.remaining} remain", start)
        return n

    def raw(self, name: str, nbytes: int) -> bytes:
        start = self._take(name, nbytes)
        return self._data[start:start + nbytes]

    def words(self, name: str, shape: tuple) -> np.ndarray:
        """prod(shape) raw u32 words as a uint32 array (no range check: usize values)."""
        count = math.prod(shape)
        start = self._take(name, WORD * count)
        if count == 0:
            return np.zeros(shape, dtype=np.uint32)
        return np.frombuffer(self._data, dtype=_LE_U32, count=count, offset=start).astype(np.uint32).reshape(shape)

    def elements(self, name: str, shape: tuple) -> np.ndarray:
        """prod(shape) field elements; each must be canonical (< p), as upstream's decoder requires."""
        start = self.pos
        array = self.words(name, shape)
        if array.size and int(array.max()) >= P:
            flat = int(np.argmax(array.reshape(-1) >= P))
            value = int(array.reshape(-1)[flat])
            raise self.error(name, f"{value} is not a canonical field element (must be < p = {P})",
                             start + WORD * flat)
        return array

    # Typed reads, named after the upstream helpers they mirror.

    def base_field(self, name: str) -> int:
        return int(self.elements(name, (1,))[0])

    def extension_field(self, name: str) -> np.ndarray:
        return self.elements(name, (EXT_DEGREE,))

    def digest(self, name: str) -> np.ndarray:
        return self.elements(name, (DIGEST_WIDTH,))

    def base_field_vec(self, name: str) -> list:
        n = self.length(name, WORD)
        return self.elements(name, (n,)).tolist()

    def extension_field_vec(self, name: str) -> np.ndarray:
        n = self.length(name, WORD * EXT_DEGREE)
        return self.elements(name, (n, EXT_DEGREE))

    def digest_vec(self, name: str) -> list:
        n = self.length(name, WORD * DIGEST_WIDTH)
        return list(self.elements(name, (n, DIGEST_WIDTH)))


class Writer:
    """Accumulates the encoding. Each value is validated (shape, canonical range) on the way in,
    so that what we write is exactly what the decoder will read back."""

    def __init__(self):
        self._chunks: list[bytes] = []
        self.pos = 0

    def getvalue(self) -> bytes:
        return b"".join(self._chunks)

    def error(self, name: str, message: str) -> ProofFormatError:
        return ProofFormatError(f"{name}: {message} (encoding, byte offset {self.pos})")

    def _put(self, data: bytes) -> None:
        self._chunks.append(data)
        self.pos += len(data)

    def u32(self, name: str, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= int(value) < 1 << 32:
            raise self.error(name, f"expected an integer in [0, 2^32), found {value!r:.60}")
        self._put(int(value).to_bytes(WORD, "little"))

    def raw(self, data: bytes) -> None:
        self._put(bytes(data))

    def array(self, name: str, value: Any, shape: tuple) -> np.ndarray:
        """Validate ``value`` as canonical field elements of ``shape`` (None = any size) and return
        it as uint32; nothing is written (see ``put``)."""
        try:
            array = np.asarray(value)
        except (TypeError, ValueError, OverflowError) as exc:
            raise self.error(name, f"not an array of integers ({exc})") from None
        if array.size == 0 and array.shape == (0,) and len(shape) > 1:
            # An empty list for a Vec of arrays: take the item shape from the spec.
            array = np.zeros((0,) + tuple(d or 0 for d in shape[1:]), dtype=np.uint32)
        if array.dtype.kind not in "iu" and not (array.size == 0 and array.dtype.kind == "f"):
            raise self.error(name, f"expected integers, found dtype {array.dtype}")
        if array.ndim != len(shape) or any(d is not None and d != s for d, s in zip(shape, array.shape)):
            want = "(" + ", ".join("*" if d is None else str(d) for d in shape) + ")"
            raise self.error(name, f"expected shape {want}, found {array.shape}")
        if array.size:
            low, high = int(array.min()), int(array.max())
            if low < 0 or high >= P:
                bad = low if low < 0 else high
                raise self.error(name, f"{bad} is not a canonical field element in [0, p = {P})")
        return array.astype(np.uint32)

    def put(self, array: np.ndarray) -> None:
        self._put(array.astype(_LE_U32).tobytes())

    def elements(self, name: str, value: Any, shape: tuple) -> np.ndarray:
        array = self.array(name, value, shape)
        self.put(array)
        return array

    def base_field(self, name: str, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise self.error(name, f"expected an int, found {type(value).__name__}")
        self.elements(name, [int(value)], (1,))

    def base_field_n(self, name: str, values: Any, n: int) -> None:
        """n base field elements, no length prefix (the decoder knows n)."""
        self.elements(name, list(values) if not isinstance(values, np.ndarray) else values, (n,))

    def base_field_vec(self, name: str, values: Any) -> None:
        array = self.array(name, list(values) if not isinstance(values, np.ndarray) else values, (None,))
        self.u32(name, array.shape[0])
        self.put(array)

    def extension_field_vec(self, name: str, value: Any) -> np.ndarray:
        array = self.array(name, value, (None, EXT_DEGREE))
        self.u32(name, array.shape[0])
        self.put(array)
        return array

    def digest_vec(self, name: str, value: Any) -> np.ndarray:
        array = self.array(name, stack_digests(value), (None, DIGEST_WIDTH))
        self.u32(name, array.shape[0])
        self.put(array)
        return array


def stack_digests(value: Any) -> Any:
    """A list of (8,) digests as one (n, 8) array ([] stays [], handled by Writer.array)."""
    if isinstance(value, (list, tuple)) and len(value) > 0:
        try:
            return np.stack([np.asarray(d) for d in value])
        except (TypeError, ValueError):
            return value  # ragged: Writer.array reports the shape
    return value


def sequence(w: Writer, name: str, value: Any) -> list:
    """``value`` (a Python list of per-item entries) as a list, or an error naming the field."""
    if not isinstance(value, (list, tuple)):
        raise w.error(name, f"expected a list, found {type(value).__name__}")
    return list(value)


def k_whir_of(error, name: str, num_sumcheck_rounds: int, num_rounds: int) -> int:
    """k_whir is never written: it is (number of WHIR sumcheck rounds) / (number of WHIR rounds).
    ``error`` is the Reader's or Writer's error factory."""
    if num_sumcheck_rounds % num_rounds:
        raise error(f"{name}.whir_sumcheck_polys",
                    f"{num_sumcheck_rounds} sumcheck rounds is not a multiple of {num_rounds} WHIR rounds")
    k_whir = num_sumcheck_rounds // num_rounds
    if k_whir > MAX_K_WHIR:
        raise error(f"{name}.whir_sumcheck_polys", f"k_whir = {k_whir} exceeds {MAX_K_WHIR}")
    return k_whir
