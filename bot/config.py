"""Settings: one typed class read from the environment and `.env` (documented in .env.example)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.calendar import QuietHours, parse_quiet_hours

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(Exception):
    """A wrong or missing setting; the message is one sentence for the operator."""


class Settings(BaseSettings):
    """Everything the bot reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(default=f"sqlite:///{ROOT / 'data' / 'canbot.sqlite3'}")
    data_dir: Path = Field(default=ROOT / "data")
    host: str = "127.0.0.1"
    port: int = 8080
    public_base_url: str = ""
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    # Bearer token for /metrics from elsewhere than loopback (unset: loopback only).
    metrics_token: SecretStr | None = None
    default_language: Literal["id", "en"] = "id"
    conversation_idle_minutes: int = 120
    max_message_chars: int = 4000

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_file_base_url: str = "https://api.telegram.org/file/bot"
    telegram_webhook_url: str = ""
    telegram_webhook_secret: SecretStr | None = None
    telegram_office_chat_id: str = ""

    twilio_account_sid: str = ""
    twilio_auth_token: SecretStr | None = None
    twilio_whatsapp_from: str = ""
    twilio_api_base_url: str = ""
    twilio_messages_per_second: float = 1.0
    # WIB hours in which nothing proactive goes out (what falls due waits for their end);
    # "" for none. Answers to a person's own message always go at once.
    quiet_hours: str = "21.00-06.00"
    # The share of send slots bulk messages (broadcasts, ballots) keep while answers wait.
    outbox_bulk_share: float = Field(default=0.2, ge=0.0, le=1.0)
    # Content SIDs of approved templates, for outside the 24-hour window (bot/held.py):
    # "opener=HX...,admin_alert=HX..." (and the optional "choices2=", "choices3=")
    twilio_templates: str = ""

    media_link_ttl_hours: int = 72
    scheduler_interval_seconds: int = 30

    event_late_policy: Literal["refuse", "flag"] = "refuse"

    # Backups (bot/ops/backup.py): the daily run is on when BACKUP_DIR is set. Archives kept:
    # the newest of each of the last N days, ISO weeks and months.
    backup_dir: Path | None = None
    backup_hour_wib: int = Field(default=2, ge=0, le=23)
    backup_keep_daily: int = Field(default=14, ge=0)
    backup_keep_weekly: int = Field(default=8, ge=0)
    backup_keep_monthly: int = Field(default=12, ge=0)
    # Personal data (UU No. 27 Tahun 2022, bot/ops/privacy.py): received files and the text of
    # sent messages are removed after this many days, daily; 0 keeps them.
    retention_days_files: int = Field(default=365, ge=0)
    retention_days_logs: int = Field(default=365, ge=0)

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("DATABASE_URL must start with sqlite:// or postgresql://")
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        parse_quiet_hours(value)
        return value

    @cached_property
    def quiet_window(self) -> QuietHours:
        """The quiet hours as (from, until) in WIB, or None (read once: every notice asks)."""
        return parse_quiet_hours(self.quiet_hours)

    @field_validator("backup_dir", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def telegram_enabled(self) -> bool:
        """True when a Telegram token is configured."""
        return self.telegram_bot_token is not None and bool(
            self.telegram_bot_token.get_secret_value()
        )

    @property
    def whatsapp_enabled(self) -> bool:
        """True when any Twilio setting is present (then all of them must be)."""
        return bool(self.twilio_account_sid or self.twilio_auth_token or self.twilio_whatsapp_from)

    @property
    def media_dir(self) -> Path:
        """Where received and rendered files are kept."""
        return self.data_dir / "media"

    def template_sids(self) -> dict[str, str]:
        """Approved WhatsApp template Content SIDs by message kind."""
        pairs = (item.split("=", 1) for item in self.twilio_templates.split(",") if "=" in item)
        return {kind.strip(): sid.strip() for kind, sid in pairs}

    def check(self) -> None:
        """Refuse a half-configured channel, naming the missing setting."""
        if self.whatsapp_enabled:
            for name in ("twilio_account_sid", "twilio_auth_token", "twilio_whatsapp_from"):
                if not getattr(self, name):
                    raise ConfigError(f"WhatsApp is half configured: {name.upper()} is missing.")
            if not self.public_base_url:
                raise ConfigError(
                    "WhatsApp needs PUBLIC_BASE_URL to check Twilio signatures and serve media."
                )
        if self.telegram_webhook_url and not self.telegram_enabled:
            raise ConfigError("TELEGRAM_WEBHOOK_URL is set but TELEGRAM_BOT_TOKEN is missing.")
        if self.telegram_webhook_url and self.telegram_webhook_secret is None:
            raise ConfigError("TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET to be set.")


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning a validation failure into one clear sentence."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first["loc"]).upper()
        raise ConfigError(f"Setting {name} is invalid: {first['msg']}.") from None
    settings.check()
    return settings
