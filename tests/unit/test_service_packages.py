"""Each service package exports its public verbs, and each export is the module's function."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import slidegen.services as services

PACKAGES = sorted(info.name for info in pkgutil.iter_modules(services.__path__) if info.ispkg)


def test_every_aggregate_is_a_package() -> None:
    assert PACKAGES == [
        "decks",
        "exports",
        "generation",
        "jobs",
        "library",
        "profiles",
        "sessions",
        "usage",
        "verification",
    ]


@pytest.mark.parametrize("name", PACKAGES)
def test_each_export_is_a_verb_of_the_package_modules(name: str) -> None:
    package = importlib.import_module(f"slidegen.services.{name}")
    assert package.__all__, name
    for verb in package.__all__:
        function = getattr(package, verb)
        assert inspect.isfunction(function) and function.__name__ == verb
        assert function.__module__.startswith(f"slidegen.services.{name}.")
    with pytest.raises(AttributeError):
        package.no_such_verb  # noqa: B018 - the attribute access is the test
