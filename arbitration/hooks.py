"""Extension points: a lower layer declares a hook and calls it; a higher feature registers what runs there.

This is how the layers stay one-way (features import only downward): orders do not import cases to ask
whether a case is open on an order, they call a hook the cases feature filled. Hooks are filled at import
time of the registering module (the app factory imports every feature), never at request time.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Hook:
    """Many listeners, called in registration order; `__call__` returns their results as a list."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._fns: list[Callable] = []

    def register(self, fn: Callable) -> Callable:
        """Decorator: `@hook.register`. Registering the same function twice keeps one."""
        if fn not in self._fns:
            self._fns.append(fn)
        return fn

    def __call__(self, *args, **kwargs) -> list[Any]:
        return [fn(*args, **kwargs) for fn in self._fns]

    def listeners(self) -> list[Callable]:
        """What is registered, in order (a set-based caller runs those without a set-based variant one by one)."""
        return list(self._fns)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._fns)} registered>"


class Provider:
    """Exactly one implementation, given by a higher feature; calling it before that is a programming error."""

    def __init__(self, name: str, default: Callable | None = None) -> None:
        self.name = name
        self._fn: Callable | None = None
        self._default = default

    def register(self, fn: Callable) -> Callable:
        if self._fn is not None and self._fn is not fn:
            raise RuntimeError(f"{self.name} is provided already by {self._fn.__module__}.{self._fn.__name__}")
        self._fn = fn
        return fn

    def __call__(self, *args, **kwargs):
        fn = self._fn or self._default
        if fn is None:
            raise RuntimeError(f"nothing provides {self.name}: is the feature that provides it imported?")
        return fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Provider {self.name}: {'set' if self._fn else 'unset'}>"
