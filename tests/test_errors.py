"""Errors carry data and never a secret."""

from kit.errors import ApiError, AuthError, ConfigError
from kit.secrets import Secret

CANARY = "canary-error-secret-0123456789abcdefghij"


def test_auth_error_carries_status_code_and_message() -> None:
    err = AuthError(401, "invalid_token", "The signature is invalid", provider="pliance", url="/api/Ping")
    assert (err.status, err.code, err.detail, err.provider, err.url) == (
        401,
        "invalid_token",
        "The signature is invalid",
        "pliance",
        "/api/Ping",
    )
    assert str(err) == "pliance 401 invalid_token: The signature is invalid (/api/Ping)"
    assert isinstance(err, ApiError)


def test_messages_and_bodies_are_redacted() -> None:
    Secret(CANARY)
    err = ApiError(
        400,
        "x",
        f"bad secret {CANARY}",
        url=f"https://h/x?access_token={CANARY}",
        body={"client_secret": CANARY, "echo": CANARY},
    )
    assert CANARY not in str(err) and CANARY not in repr(err) and CANARY not in str(err.body)
    assert CANARY not in str(ConfigError(f"value {CANARY} is wrong"))
