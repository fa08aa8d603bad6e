from pathlib import Path

import pytest
from pydantic import ValidationError

from renderowl.config import Settings


def test_defaults_are_the_documented_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given no RENDEROWL_ variables except the fixture's state dir
    monkeypatch.delenv("RENDEROWL_STATE_DIR")
    # When
    settings = Settings()
    # Then
    assert settings.environment == "local"
    assert settings.state_dir == Path(".renderowl")
    assert settings.database_url is None
    assert settings.media_bucket == "renderowl-media"
    assert settings.local_concurrency == 4
    assert settings.cors_origins == []
    assert settings.jwt_enabled is False
    assert settings.allow_loopback_http is False


def test_standard_variable_names_are_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("FFMPEG_BINARY", "/opt/ffmpeg")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")
    settings = Settings()
    assert settings.database_url == "postgresql://u@h/db"
    assert settings.ffmpeg_binary == "/opt/ffmpeg"
    assert settings.aws_endpoint_url == "http://127.0.0.1:5000"


def test_cors_origins_are_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENDEROWL_CORS_ORIGINS", "https://app.example.com, http://localhost:3000,")
    assert Settings().cors_origins == ["https://app.example.com", "http://localhost:3000"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("RENDEROWL_LOCAL_CONCURRENCY", "0"),
        ("RENDEROWL_ENVIRONMENT", "staging"),
        ("RENDEROWL_DB_STATEMENT_TIMEOUT_MS", "nope"),
    ],
)
def test_invalid_values_are_refused_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as excinfo:
        Settings()
    field = name.removeprefix("RENDEROWL_").lower()
    assert field in str(excinfo.value)


def test_jwt_needs_jwks_issuer_and_audience(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENDEROWL_JWT_JWKS_URL", "https://idp.example.com/.well-known/jwks.json")
    monkeypatch.setenv("RENDEROWL_JWT_ISSUER", "https://idp.example.com/")
    assert Settings().jwt_enabled is False
    monkeypatch.setenv("RENDEROWL_JWT_AUDIENCE", "renderowl")
    assert Settings().jwt_enabled is True
