"""The one settings module: every knob is an environment variable, validated at start.

Unset variables fall back to the embedded defaults (SQLite file, in-process bus/jobs,
embedded MQTT broker); an invalid value stops the process with a message naming it.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

REPO_ROOT = Path(__file__).resolve().parents[2]
APP_ENVS = ("development", "test", "production")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOCALES = ("zh-CN", "en")
LOG_FORMATS = ("text", "json")
DEFAULT_EMBEDDED_MQTT_PORT = 18830


class SettingsError(ValueError):
    """An environment variable holds a value the application cannot run with."""

    def __init__(self, variable: str, reason: str) -> None:
        super().__init__(f"{variable}: {reason}")
        self.variable = variable


@dataclass(frozen=True)
class SmsEnv:
    """SMS_* variables: all of SECRET_ID, SECRET_KEY, SDK_APP_ID, SIGN_NAME, TEMPLATE_REGISTER."""

    secret_id: str
    secret_key: str
    sdk_app_id: str
    sign_name: str
    template_register: str
    template_alert: str | None = None
    region: str = "ap-guangzhou"
    endpoint: str = "https://sms.tencentcloudapi.com"

    def __repr__(self) -> str:  # check-settings prints Settings: never the key
        return f"SmsEnv(secret_id={self.secret_id!r}, sdk_app_id={self.sdk_app_id!r}, …)"


SMS_REQUIRED = ("SECRET_ID", "SECRET_KEY", "SDK_APP_ID", "SIGN_NAME", "TEMPLATE_REGISTER")


def _sms(env: dict[str, str]) -> SmsEnv | None:
    """All required SMS_* variables or none; SMS_PROVIDER, if given, must be tencent."""
    provider = _env("SMS_PROVIDER", env)
    if provider is not None:
        _choice("SMS_PROVIDER", provider, ("tencent",))
    values = {name: _env(f"SMS_{name}", env) for name in SMS_REQUIRED}
    if not any(values.values()):
        return None
    missing = [f"SMS_{name}" for name, value in values.items() if value is None]
    if missing:
        raise SettingsError(missing[0], f"is required with the other SMS_* settings ({missing})")
    endpoint = _base_url(
        "SMS_ENDPOINT", _url("SMS_ENDPOINT", _env("SMS_ENDPOINT", env), ("https", "http"))
    )
    return SmsEnv(
        secret_id=values["SECRET_ID"] or "",
        secret_key=values["SECRET_KEY"] or "",
        sdk_app_id=values["SDK_APP_ID"] or "",
        sign_name=values["SIGN_NAME"] or "",
        template_register=values["TEMPLATE_REGISTER"] or "",
        template_alert=_env("SMS_TEMPLATE_ALERT", env),
        region=_env("SMS_REGION", env) or "ap-guangzhou",
        endpoint=endpoint or "https://sms.tencentcloudapi.com",
    )


@dataclass(frozen=True)
class Settings:
    app_env: str
    data_dir: Path
    database_url: str
    redis_url: str | None
    mqtt_url: str | None
    embedded_mqtt_port: int
    simulated_cabinets: int  # started beside the embedded broker so the demo is alive
    secret_key: str
    log_level: str
    default_locale: str
    port: int
    # Browser origins allowed besides the app's own (its Host): e.g. a console on another domain
    cors_origins: list[str] = field(default_factory=list)
    # Report e-mails: smtp://user:password@host:587 (STARTTLS) or smtps://…:465; unset: not sent
    smtp_url: str | None = None
    smtp_from: str = "cabinet-cloud@localhost"
    # The broker address cabinets are given in their provisioning bundle (what they reach, which
    # may differ from MQTT_URL as this server reaches it); unset: MQTT_URL, else the embedded one
    cabinet_broker_url: str | None = None
    # The cloud's HTTP base URL as cabinets reach it (their bundle's api_url: camera snapshots are
    # uploaded there, docs/protocol.md § 13); unset: http://localhost:PORT
    cabinet_api_url: str | None = None
    # The console's base URL as people's browsers reach it (behind a proxy that rewrites Host):
    # the sign-in callbacks registered at identity providers; unset: the request's own URL
    public_url: str | None = None
    # Drive the controller-less LAN cabinets from this process (hardware/lan/supervisor.py);
    # LAN_DRIVER=1/0, unset: on with the embedded broker (all on this box), off with MQTT_URL
    lan_driver: bool = False
    # The platform's SMS sender (Tencent Cloud SMS, docs/sms.md): used for registration codes and
    # for tenants without their own SMS settings; None: not configured (codes are only logged)
    sms: SmsEnv | None = None
    # Backups (app/backup/): where they go, how often the job makes one (0: never), how many of
    # the newest are kept, and the key that encrypts them (unset: not encrypted)
    backup_dir: Path = Path("data/backups")
    backup_every_hours: int = 24
    backup_keep: int = 14
    backup_key: str | None = field(default=None, repr=False)
    # Logs: `text` (as ever) or `json`, one object a line with the request, tenant and cabinet
    log_format: str = "text"
    # GET /metrics from other than loopback needs `Authorization: Bearer <METRICS_TOKEN>`;
    # unset: loopback only (docs/operations.md)
    metrics_token: str | None = field(default=None, repr=False)
    # A worker or gateway process serves its metrics on this port (0: not served)
    metrics_port: int = 0

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _env(name: str, environ: dict[str, str]) -> str | None:
    value = environ.get(name)
    return value.strip() if value and value.strip() else None


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise SettingsError(name, f"must be one of {', '.join(allowed)} (got {value!r})")
    return value


def _port(name: str, raw: str | None, default: int) -> int:
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise SettingsError(name, f"must be a TCP port 1-65535 (got {raw!r})")
    return int(raw)


def _lan_driver(raw: str | None, *, mqtt_url: str | None) -> bool:
    if raw is None:
        return mqtt_url is None
    return _choice("LAN_DRIVER", raw, ("0", "1")) == "1"


def _count(name: str, raw: str | None, default: int) -> int:
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) > 50:
        raise SettingsError(name, f"must be a whole number 0-50 (got {raw!r})")
    return int(raw)


def _whole(name: str, raw: str | None, default: int, lowest: int, highest: int) -> int:
    if raw is None:
        return default
    if not raw.isdigit() or not lowest <= int(raw) <= highest:
        raise SettingsError(name, f"must be a whole number {lowest}-{highest} (got {raw!r})")
    return int(raw)


def _backup_key(raw: str | None) -> str | None:
    if raw is not None and len(raw) < 32:
        raise SettingsError("BACKUP_KEY", "must be at least 32 characters (a random string)")
    return raw


def _metrics_token(raw: str | None) -> str | None:
    if raw is not None and len(raw) < 24:
        raise SettingsError("METRICS_TOKEN", "must be at least 24 characters (a random string)")
    return raw


def _database_url(raw: str | None, data_dir: Path) -> str:
    if raw is None:
        return f"sqlite:///{data_dir / 'cabinet.db'}"
    return normalize_database_url(raw)


def normalize_database_url(raw: str, name: str = "DATABASE_URL") -> str:
    """postgres:// and postgresql:// as psycopg 3 URLs; SQLite as given; anything else refused."""
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://") :]
    if raw.startswith("postgresql://"):
        raw = "postgresql+psycopg://" + raw[len("postgresql://") :]
    scheme = raw.split("://", 1)[0]
    if scheme not in ("sqlite", "postgresql+psycopg"):
        raise SettingsError(name, f"use sqlite:/// or postgresql:// (got scheme {scheme!r})")
    return raw


def _url(name: str, raw: str | None, schemes: tuple[str, ...]) -> str | None:
    if raw is None:
        return None
    parsed = urlparse(raw)
    if parsed.scheme not in schemes or not parsed.hostname:
        raise SettingsError(name, f"must look like {schemes[0]}://host:port (got {raw!r})")
    try:
        parsed.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise SettingsError(name, f"has an invalid port ({exc})") from exc
    return raw


def _base_url(name: str, url: str | None) -> str | None:
    """A base URL that routes are appended to: no query or fragment, no trailing slash."""
    if url is None:
        return None
    parsed = urlparse(url)
    if parsed.query or parsed.fragment:
        raise SettingsError(name, f"must be a base URL without ? or # (got {url!r})")
    return url.rstrip("/")


def _origins(raw: str | None) -> list[str]:
    """Explicit origins (scheme://host[:port]); "*" is refused: with cookies it would let any
    site act as the signed-in visitor."""
    origins = [o.strip().rstrip("/") for o in (raw or "").split(",") if o.strip()]
    for origin in origins:
        parsed = urlparse(origin)
        if parsed.scheme not in ("http", "https") or not parsed.hostname or parsed.path:
            raise SettingsError(
                "CORS_ORIGINS", f"lists scheme://host[:port] origins (got {origin!r})"
            )
    return origins


def _secret_key(raw: str | None, app_env: str, data_dir: Path) -> str:
    if raw is not None:
        if len(raw) < 32:
            raise SettingsError("SECRET_KEY", "must be at least 32 characters")
        return raw
    if app_env == "production":
        raise SettingsError("SECRET_KEY", "is required when APP_ENV=production")
    # Development: generate once and keep it, so sessions survive restarts.
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read and validate the settings from the environment."""
    env = dict(os.environ if environ is None else environ)
    app_env = _choice("APP_ENV", _env("APP_ENV", env) or "development", APP_ENVS)
    data_dir = Path(_env("DATA_DIR", env) or REPO_ROOT / "data").resolve()
    origins = _env("CORS_ORIGINS", env)
    return Settings(
        app_env=app_env,
        data_dir=data_dir,
        database_url=_database_url(_env("DATABASE_URL", env), data_dir),
        redis_url=_url("REDIS_URL", _env("REDIS_URL", env), ("redis", "rediss")),
        mqtt_url=_url("MQTT_URL", _env("MQTT_URL", env), ("mqtt", "mqtts")),
        embedded_mqtt_port=_port(
            "EMBEDDED_MQTT_PORT", _env("EMBEDDED_MQTT_PORT", env), DEFAULT_EMBEDDED_MQTT_PORT
        ),
        simulated_cabinets=_count("SIMULATED_CABINETS", _env("SIMULATED_CABINETS", env), 3),
        secret_key=_secret_key(_env("SECRET_KEY", env), app_env, data_dir),
        log_level=_choice("LOG_LEVEL", (_env("LOG_LEVEL", env) or "INFO").upper(), LOG_LEVELS),
        default_locale=_choice("DEFAULT_LOCALE", _env("DEFAULT_LOCALE", env) or "zh-CN", LOCALES),
        port=_port("PORT", _env("PORT", env), 3000),
        cors_origins=_origins(origins),
        smtp_url=_url("SMTP_URL", _env("SMTP_URL", env), ("smtp", "smtps")),
        smtp_from=_env("SMTP_FROM", env) or "cabinet-cloud@localhost",
        cabinet_broker_url=_url(
            "CABINET_BROKER_URL", _env("CABINET_BROKER_URL", env), ("mqtt", "mqtts")
        ),
        cabinet_api_url=_base_url(
            "CABINET_API_URL",
            _url("CABINET_API_URL", _env("CABINET_API_URL", env), ("http", "https")),
        ),
        public_url=_base_url(
            "PUBLIC_URL", _url("PUBLIC_URL", _env("PUBLIC_URL", env), ("http", "https"))
        ),
        lan_driver=_lan_driver(_env("LAN_DRIVER", env), mqtt_url=_env("MQTT_URL", env)),
        sms=_sms(env),
        backup_dir=Path(_env("BACKUP_DIR", env) or data_dir / "backups").resolve(),
        backup_every_hours=_whole(
            "BACKUP_EVERY_HOURS", _env("BACKUP_EVERY_HOURS", env), 24, 0, 8760
        ),
        backup_keep=_whole("BACKUP_KEEP", _env("BACKUP_KEEP", env), 14, 1, 1000),
        backup_key=_backup_key(_env("BACKUP_KEY", env)),
        log_format=_choice("LOG_FORMAT", (_env("LOG_FORMAT", env) or "text").lower(), LOG_FORMATS),
        metrics_token=_metrics_token(_env("METRICS_TOKEN", env)),
        metrics_port=_whole("METRICS_PORT", _env("METRICS_PORT", env), 0, 0, 65535),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; a bad value ends start-up with a message naming it."""
    try:
        settings = load_settings()
    except SettingsError as exc:
        raise SystemExit(f"Invalid setting {exc}") from exc
    logging.basicConfig(level=settings.log_level)
    return settings


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when nothing listens on host:port (used to keep the embedded broker off 1883)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True
