"""Service packages export their verbs lazily, so importing one module never imports the rest.

A package's `__init__` names each verb and the module defining it; `from
slidegen.services.decks import show_session` then imports `decks.store` on first use (PEP 562).
Eager re-exports would import every module of a package whenever one is imported, and the
packages that use each other (decks, sessions, generation) would form import cycles.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_verbs(package: str, verbs: dict[str, str]) -> tuple[Callable[[str], Any], list[str]]:
    """Return a module `__getattr__` serving `verbs` (name -> module) and the `__all__` list."""

    def __getattr__(name: str) -> Any:
        if name not in verbs:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{verbs[name]}"), name)

    return __getattr__, sorted(verbs)
