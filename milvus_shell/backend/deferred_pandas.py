"""pandas for pymilvus, imported only when something really uses it.

pymilvus imports pandas at module level (its ORM schema and type code: ``import pandas as pd``,
``from pandas.api.types import is_list_like, ...``, ``pd.DataFrame`` in annotations), though the
shell never hands it a DataFrame: a third of a script's start-up (~0.35 s, pyarrow included) for
nothing. ``install`` puts stand-ins for ``pandas``, ``pandas.api`` and ``pandas.api.types`` into
sys.modules before pymilvus is imported:

- any other attribute of a stand-in imports the real pandas and answers from it;
- a function taken from it (``is_list_like``) is a forwarder that imports the real one when called;
- ``DataFrame`` and ``Series`` are placeholder classes: nothing is an instance of one until pandas
  has been imported by someone (an object's class would come from pandas), after which
  ``isinstance``, calls and attributes go to the real class.

Once the real pandas is imported (by pymilvus through a stand-in, or by anyone else) the stand-ins
leave sys.modules; the real modules are what later imports get.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

_NAMES = ("pandas", "pandas.api", "pandas.api.types")
_CLASSES = ("DataFrame", "Series")


def install() -> None:
    """Stand in for pandas unless it is imported already (or cannot be found: then nothing to do)."""
    if any(name in sys.modules for name in _NAMES):
        return
    import importlib.util  # noqa: PLC0415

    if importlib.util.find_spec("pandas") is None:
        return
    for name in _NAMES:
        sys.modules[name] = _StandIn(name)


def _real(name: str) -> Any:
    """The real module ``name``, importing pandas now if it is not yet (the stand-ins step aside)."""
    module = sys.modules.get(name)
    if isinstance(module, _StandIn) or module is None:
        for each in _NAMES:
            if isinstance(sys.modules.get(each), _StandIn):
                del sys.modules[each]
        module = importlib.import_module(name)
    return module


def real_pandas_loaded() -> bool:
    return "pandas" in sys.modules and not isinstance(sys.modules["pandas"], _StandIn)


class _StandIn(types.ModuleType):
    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") and attr not in ("__path__", "__version__"):  # a version asked: pandas is used
            raise AttributeError(attr)
        if self.__name__ == "pandas" and attr in _CLASSES:
            return _placeholder(attr)
        if self.__name__ == "pandas.api.types" and not real_pandas_loaded():
            return _Forwarder(attr)
        return getattr(_real(self.__name__), attr)


class _Forwarder:
    """A function of pandas.api.types, imported when first called."""

    def __init__(self, name: str) -> None:
        self.__name__ = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(_real("pandas.api.types"), self.__name__)(*args, **kwargs)


class _Deferred(type):
    """The metaclass of the placeholders: every question goes to the real class once pandas is loaded."""

    def _target(cls) -> type:
        target: type = getattr(_real("pandas"), cls.__name__)
        return target

    def __instancecheck__(cls, obj: Any) -> bool:
        return real_pandas_loaded() and isinstance(obj, cls._target())

    def __subclasscheck__(cls, sub: type) -> bool:
        return real_pandas_loaded() and issubclass(sub, cls._target())

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls._target()(*args, **kwargs)

    def __getattr__(cls, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(cls._target(), attr)


# One class per name, so that pymilvus's annotations and checks all hold the same one.
_PLACEHOLDERS = types.MappingProxyType({name: _Deferred(name, (), {"__module__": "pandas"}) for name in _CLASSES})


def _placeholder(name: str) -> type:
    return _PLACEHOLDERS[name]
