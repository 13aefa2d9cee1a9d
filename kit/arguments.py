"""Argument checks at kit's public surface: a wrong argument is a KitError naming it, never a crash inside.

:func:`checked` wraps a public function or method: it binds the call to the signature (an unknown
or missing argument is an :class:`ArgumentError`) and checks each argument against its type hint
before the body runs, so ``s.call("GET", 123)`` says ``path must be str, not int`` instead of an
``AttributeError`` three frames down. Hints it can check: classes, ``X | None`` and other unions,
``Literal``, and the origin of generics (``list[str]`` is checked as a list); ``Any``, type variables
and callables' signatures are not checked. Hints that cannot be resolved at run time leave that
argument unchecked. :class:`ArgumentError` is a :class:`~kit.errors.ConfigError` and a ``TypeError``.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import math
import sys
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from kit.errors import ConfigError

__all__ = ["ArgumentError", "ascii_text", "check_fields", "checked", "expect", "hints", "request_options"]

F = TypeVar("F", bound=Callable[..., Any])


class ArgumentError(ConfigError, TypeError):
    """A public function was called with an argument it cannot use; the message names the argument."""


def _matches(value: Any, hint: Any) -> bool:
    try:
        test = _test(hint)
    except TypeError:  # an unhashable hint: built for this call only
        test = _test.__wrapped__(hint)
    return test(value)


@functools.lru_cache(maxsize=512)
def _test(hint: Any) -> Callable[[Any], bool]:
    """The check of a value against ``hint``, worked out once per hint."""
    if hint is Any or isinstance(hint, TypeVar) or hint is object:
        return lambda value: True
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        tests = [_matches_of(arg) for arg in typing.get_args(hint)]
        return lambda value: any(test(value) for test in tests)
    if origin is typing.Literal:
        allowed = typing.get_args(hint)
        return lambda value: value in allowed
    if hint is None or hint is type(None):
        return lambda value: value is None
    if origin is not None:
        hint = origin
    if hint is float:
        return lambda value: isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return lambda value: isinstance(value, int) and not isinstance(value, bool)
    if isinstance(hint, type):
        if hint.__module__ == "collections.abc" and hint.__name__ == "Callable":
            return callable
        kind = hint

        def instance(value: Any) -> bool:
            try:
                return isinstance(value, kind)
            except TypeError:  # a protocol that is not runtime-checkable
                return True

        return instance
    return lambda value: True


def _matches_of(hint: Any) -> Callable[[Any], bool]:
    return lambda value: _matches(value, hint)


def _shown(hint: Any) -> str:
    text = str(hint) if not isinstance(hint, type) else hint.__name__
    return text.replace("typing.", "").replace("collections.abc.", "").replace("kit.", "")


def expect(name: str, value: Any, hint: Any, where: str) -> None:
    """Raise ArgumentError unless ``value`` fits ``hint``."""
    if not _matches(value, hint):
        raise ArgumentError(f"{where}: {name} must be {_shown(hint)}, not {type(value).__name__}")


def _resolved(hint: Any, namespace: dict[str, Any]) -> Any:
    """A hint as written (a string under ``from __future__ import annotations``) resolved in ``namespace``.

    :raises NameError, TypeError: it names what its module imports only for type checkers.
    """
    return eval(hint, namespace) if isinstance(hint, str) else hint  # noqa: S307 - kit's own annotations


_FIELD_HINTS: dict[type, dict[str, Any]] = {}


def _field_hints(cls: type) -> dict[str, Any]:
    """The hints of a dataclass's fields that resolve at run time, worked out once per class; a field whose
    hint names what its module imports only for type checkers (a sandbox, a table) is left out."""
    known = _FIELD_HINTS.get(cls)
    if known is not None:
        return known
    namespace = vars(sys.modules[cls.__module__])
    found = {}
    for field in dataclasses.fields(cls):
        try:
            found[field.name] = _resolved(field.type, namespace)
        except (NameError, TypeError):
            continue
    return _FIELD_HINTS.setdefault(cls, found)


def check_fields(instance: Any) -> None:
    """Each field of a dataclass ``instance`` checked against its type hint (call in ``__post_init__``); a hint
    naming what its module imports only for type checkers is left unchecked."""
    cls = type(instance)
    for name, hint in _field_hints(cls).items():
        expect(name, getattr(instance, name), hint, cls.__name__)


def hints(fn: Callable[..., Any]) -> dict[str, Any]:
    """The type hints of ``fn``'s parameters, resolved in its module (what :func:`checked` checks; the return
    hint is not needed, so a table's ``pd.DataFrame`` named only for type checkers costs no import of pandas).

    :raises NameError, TypeError: a parameter's hint that cannot be resolved at run time.
    """
    namespace = getattr(inspect.unwrap(fn), "__globals__", {})
    return {name: _resolved(hint, namespace) for name, hint in inspect.get_annotations(fn).items() if name != "return"}


def checked(fn: F) -> F:
    """``fn`` with its arguments checked against its signature and type hints first.

    A call whose arguments plainly fit the signature (no more positional arguments than it has, only
    keywords it names, every required one given) is checked without ``Signature.bind``: that is most
    calls, on the request path. Anything else goes through ``bind``, whose error names the problem.
    """
    signature = inspect.signature(fn)
    where = fn.__qualname__.replace(".__init__", "")
    params = list(signature.parameters.values())
    plain = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    positional = [p.name for p in params if p.kind in plain]
    named = {p.name for p in params if p.kind in (*plain, inspect.Parameter.KEYWORD_ONLY)}
    required = {p.name for p in params if p.default is p.empty and p.kind in (*plain, inspect.Parameter.KEYWORD_ONLY)}
    resolved: dict[str, Any] | None = None

    def arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """The arguments by name (only those the hints can check: no ``*args``/``**kwargs`` catch-alls)."""
        if len(args) <= len(positional) and named.issuperset(kwargs):
            given = dict(zip(positional, args, strict=False))
            if given.keys().isdisjoint(kwargs):
                given.update(kwargs)
                if required.issubset(given):
                    return given
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise ArgumentError(f"{where}: {exc}") from None
        return {
            name: value
            for name, value in bound.arguments.items()
            if signature.parameters[name].kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        }

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal resolved
        given = arguments(args, kwargs)
        if resolved is None:
            try:
                resolved = hints(fn)
            except (NameError, TypeError):  # a hint only a type checker can resolve: nothing to check
                resolved = {}
        for name, value in given.items():
            hint = resolved.get(name, Any)
            if hint is not Any:
                expect(name, value, hint, where)
        return fn(*args, **kwargs)

    wrapper.checked = True  # type: ignore[attr-defined]  # tests/test_architecture.py finds every checked function
    return typing.cast(F, wrapper)


def ascii_text(value: str | bytes, name: str, where: str) -> str:
    """A str argument, or bytes that are ASCII (what requests accepts); ArgumentError otherwise."""
    if isinstance(value, str):
        return value
    try:
        return value.decode("ascii")
    except UnicodeDecodeError:
        raise ArgumentError(f"{where}: {name} must be ASCII text, not bytes beyond ASCII") from None


def _seconds(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0


def _pairs(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(p, (list, tuple)) and len(p) == 2 for p in value)


def request_options(timeout: Any, headers: Any, params: Any, where: str) -> None:
    """The request options requests would fail on deep inside, checked first (ArgumentError naming the one):
    ``timeout`` seconds (a number > 0) or a ``(connect, read)`` pair of them (None allowed in the pair);
    ``headers`` a mapping of text names to text or bytes values; ``params`` a mapping, a list of pairs,
    or text (a query string)."""
    pair = isinstance(timeout, tuple) and len(timeout) == 2 and all(t is None or _seconds(t) for t in timeout)
    if not (timeout is None or _seconds(timeout) or pair):
        raise ArgumentError(
            f"{where}: timeout must be seconds (a number > 0) or a (connect, read) pair of them, not {timeout!r:.40}"
        )
    if headers is not None and not (
        isinstance(headers, Mapping)
        and all(isinstance(k, (str, bytes)) and isinstance(v, (str, bytes)) for k, v in headers.items())
    ):
        raise ArgumentError(f"{where}: headers must be a mapping of names to str or bytes values, not {headers!r:.40}")
    if params is not None and not (isinstance(params, (Mapping, str, bytes)) or _pairs(params)):
        raise ArgumentError(f"{where}: params must be a mapping, a list of (name, value) pairs or a query string, "
                            f"not {type(params).__name__}")  # fmt: skip
