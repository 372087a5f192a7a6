"""Service packages export their verbs lazily, so importing one module never imports the rest.

A package's `__init__` lists its modules; `from slidegen.services.decks import show_session`
then imports them on first use (PEP 562) and finds the verb where it is defined. Eager
re-exports would import every module of a package whenever one is imported, and the packages
that use each other (decks, sessions, generation) would form import cycles.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

# A verb is a public function of a package's module taking the unit of work first.
_FIRST_PARAMETERS = ("session", "db")


def lazy_verbs(package: str, modules: tuple[str, ...]) -> Callable[[str], Any]:
    """Return a module `__getattr__` serving the verbs of `modules` (and `__all__`)."""
    verbs: dict[str, Any] = {}

    def load() -> dict[str, Any]:
        if not verbs:
            for name in modules:
                module = importlib.import_module(f"{package}.{name}")
                verbs.update(_verbs_of(module))
        return verbs

    def __getattr__(name: str) -> Any:
        if name == "__all__":
            return sorted(load())
        # A submodule or dunder name is for the import system, which tries the attribute first.
        if name.startswith("__") or name in modules or name not in load():
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return verbs[name]

    return __getattr__


def _verbs_of(module: Any) -> dict[str, Any]:
    found = {}
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if name.startswith("_") or function.__module__ != module.__name__:
            continue
        parameters = list(inspect.signature(function).parameters)
        if parameters[:1] and parameters[0] in _FIRST_PARAMETERS:
            found[name] = function
    return found
