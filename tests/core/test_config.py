"""Settings: embedded defaults when unset, and a message naming the variable when invalid."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.config import DEFAULT_EMBEDDED_MQTT_PORT, SettingsError, load_settings


def test_defaults_are_the_embedded_ones(tmp_path: Path) -> None:
    settings = load_settings({"DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'cabinet.db'}"
    assert settings.redis_url is None
    assert settings.mqtt_url is None
    assert settings.embedded_mqtt_port == DEFAULT_EMBEDDED_MQTT_PORT != 1883
    assert settings.default_locale == "zh-CN"
    assert settings.port == 3000
    assert settings.cors_origins == []  # the app's own origin only


def test_cors_origins_are_explicit(tmp_path: Path) -> None:
    settings = load_settings(
        {"DATA_DIR": str(tmp_path), "CORS_ORIGINS": "https://console.example.com, http://x:8080/"}
    )
    assert settings.cors_origins == ["https://console.example.com", "http://x:8080"]


def test_development_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = load_settings({"DATA_DIR": str(tmp_path)}).secret_key
    second = load_settings({"DATA_DIR": str(tmp_path)}).secret_key
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_postgres_urls_use_the_psycopg_driver(tmp_path: Path) -> None:
    settings = load_settings({"DATA_DIR": str(tmp_path), "DATABASE_URL": "postgres://u@db/x"})
    assert settings.database_url == "postgresql+psycopg://u@db/x"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("APP_ENV", "staging"),
        ("DATABASE_URL", "mysql://root@localhost/x"),
        ("REDIS_URL", "localhost:6379"),
        ("MQTT_URL", "tcp://broker:1883"),
        ("MQTT_URL", "mqtt://broker:99999"),
        ("EMBEDDED_MQTT_PORT", "abc"),
        ("LOG_LEVEL", "LOUD"),
        ("SECRET_KEY", "short"),
        ("PORT", "0"),
        ("DEFAULT_LOCALE", "fr"),
        ("CORS_ORIGINS", "*"),
        ("CORS_ORIGINS", "console.example.com"),
        ("CORS_ORIGINS", "https://example.com/console"),
        ("CABINET_API_URL", "cloud.example.com"),
        ("CABINET_API_URL", "mqtt://cloud.example.com:1883"),
        ("CABINET_API_URL", "https://cloud.example.com/?cabinet=1"),
        ("PUBLIC_URL", "console.example.com"),
        ("PUBLIC_URL", "https://console.example.com/#x"),
        ("BACKUP_EVERY_HOURS", "daily"),
        ("BACKUP_EVERY_HOURS", "9000"),
        ("BACKUP_KEEP", "0"),
        ("BACKUP_KEY", "too-short"),
        ("LOG_FORMAT", "yaml"),
        ("METRICS_TOKEN", "short"),
        ("METRICS_PORT", "70000"),
    ],
)
def test_invalid_settings_name_the_variable(tmp_path: Path, variable: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"DATA_DIR": str(tmp_path), variable: value})
    assert caught.value.variable == variable
    assert str(caught.value).startswith(f"{variable}:")


def test_production_requires_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        load_settings({"DATA_DIR": str(tmp_path), "APP_ENV": "production"})
    settings = load_settings(
        {"DATA_DIR": str(tmp_path), "APP_ENV": "production", "SECRET_KEY": "x" * 40}
    )
    assert settings.is_production and not (tmp_path / "secret_key").exists()


def test_backup_settings(tmp_path: Path) -> None:
    default = load_settings({"DATA_DIR": str(tmp_path)})
    assert default.backup_dir == tmp_path.resolve() / "backups"
    assert (default.backup_every_hours, default.backup_keep, default.backup_key) == (24, 14, None)
    key = "k" * 40
    chosen = load_settings(
        {
            "DATA_DIR": str(tmp_path),
            "BACKUP_DIR": str(tmp_path / "elsewhere"),
            "BACKUP_EVERY_HOURS": "0",
            "BACKUP_KEEP": "30",
            "BACKUP_KEY": key,
        }
    )
    assert chosen.backup_dir == (tmp_path / "elsewhere").resolve()
    assert (chosen.backup_every_hours, chosen.backup_keep, chosen.backup_key) == (0, 30, key)
    assert key not in repr(chosen)  # check-settings prints the settings


def test_observability_settings(tmp_path: Path) -> None:
    default = load_settings({"DATA_DIR": str(tmp_path)})
    assert (default.log_format, default.metrics_token, default.metrics_port) == ("text", None, 0)
    token = "m" * 32
    chosen = load_settings(
        {
            "DATA_DIR": str(tmp_path),
            "LOG_FORMAT": "JSON",
            "METRICS_TOKEN": token,
            "METRICS_PORT": "9108",
        }
    )
    assert (chosen.log_format, chosen.metrics_token, chosen.metrics_port) == ("json", token, 9108)
    assert token not in repr(chosen)  # check-settings prints the settings
