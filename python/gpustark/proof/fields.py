"""proof_fields: every scalar of a proof as (path, container, index), for mutation tests."""
from __future__ import annotations

import dataclasses
from typing import Any, Iterator

import numpy as np

from .types import Proof


def proof_fields(proof: Proof) -> Iterator[tuple[str, Any, Any]]:
    """Yield ``(path, container, index)`` for every scalar of ``proof``, in wire order.

    ``container`` is a numpy array (``index`` a tuple), a list (``index`` an int) or a proof
    dataclass (``index`` an attribute name, for F and usize fields). ``get_element`` and
    ``set_element`` read and write through any of the three, so a mutation test can do
    ``set_element(c, i, (get_element(c, i) + 1) % p)`` for each yielded field of a fresh copy.
    Lengths are not yielded: they are not elements (change them by editing the arrays).
    """
    yield from _walk("", proof)


def get_element(container: Any, index: Any) -> int:
    """The scalar at ``(container, index)`` as yielded by ``proof_fields``."""
    value = getattr(container, index) if isinstance(index, str) else container[index]
    return int(value)


def set_element(container: Any, index: Any, value: int) -> None:
    """Overwrite the scalar at ``(container, index)`` as yielded by ``proof_fields``."""
    if isinstance(index, str):
        setattr(container, index, value)
    else:
        container[index] = value


def _walk(path: str, value: Any) -> Iterator[tuple[str, Any, Any]]:
    if dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            child = getattr(value, f.name)
            child_path = f"{path}.{f.name}" if path else f.name
            if isinstance(child, (int, np.integer)):
                yield child_path, value, f.name
            else:
                yield from _walk(child_path, child)
    elif isinstance(value, np.ndarray):
        for index in np.ndindex(value.shape):
            yield path + "".join(f"[{i}]" for i in index), value, index
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, (int, np.integer)):
                yield f"{path}[{i}]", value, i
            else:
                yield from _walk(f"{path}[{i}]", item)
    # None (an absent AIR's vdata) holds nothing.

