"""The public surface is explicit: __all__ lists exactly what kit exports, sorted."""

import types

import kit


def test_all_lists_every_public_name_and_nothing_else() -> None:
    """What ``dir(kit)`` offers (loaded, or loaded when first asked for) is exactly ``__all__``."""
    public = {
        name for name in dir(kit) if not name.startswith("_") and not isinstance(getattr(kit, name), types.ModuleType)
    }
    assert set(kit.__all__) == public


def test_all_is_sorted_and_resolvable() -> None:
    assert list(kit.__all__) == sorted(kit.__all__)
    for name in kit.__all__:
        assert getattr(kit, name) is not None


def test_every_error_derives_from_kit_error() -> None:
    for name in ("ApiError", "AuthError", "ConfigError", "SandboxError"):
        assert issubclass(getattr(kit, name), kit.KitError)
    assert issubclass(kit.AuthError, kit.ApiError)
