"""Backend selection: names are resolved by the native registry; this adds the default and a
clear error for unknown or unavailable names."""
from __future__ import annotations

import os

from . import _native

DEFAULT_BACKEND = "cpu"


def backends() -> list[str]:
    """Names of the backends this build includes that found a device (always includes 'cpu')."""
    return list(_native.backends())


def resolve(backend: str | None) -> str:
    """The backend to use: the argument, else $GPUSTARK_BACKEND, else 'cpu'."""
    name = backend or os.environ.get("GPUSTARK_BACKEND") or DEFAULT_BACKEND
    if not isinstance(name, str):
        raise ValueError(f"backend: expected a name such as 'cpu', found {name!r}")
    available = backends()
    if name not in available:
        raise ValueError(f"backend: '{name}' is not available; available backends: {', '.join(available)}")
    return name


def device_info(backend: str | None = None) -> dict:
    """The backend's device name and the limits its launch planner reads."""
    return dict(_native.device_info(resolve(backend)))
