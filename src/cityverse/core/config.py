"""Settings from CITYVERSE_* environment variables (and an optional .env file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "dev-insecure-secret-key-change-me"  # noqa: S105 - refused outside dev


class Settings(BaseSettings):
    """Every setting of the platform; the README's settings table lists them all."""

    model_config = SettingsConfigDict(env_prefix="CITYVERSE_", env_file=".env", extra="ignore")

    env: Literal["dev", "test", "prod"] = Field(
        "dev", description="Run mode; outside `dev`/`test` the default secret key is refused."
    )
    secret_key: str = Field(
        DEFAULT_SECRET_KEY,
        description="Key for signing and for deriving encryption keys. Set a long random value.",
    )
    database_url: str = Field(
        "", description="SQLAlchemy async URL; empty means SQLite at `<data_dir>/cityverse.db`."
    )
    data_dir: Path = Field(Path("var"), description="Folder for the SQLite file and blobs.")
    host: str = Field("127.0.0.1", description="Address `cityverse serve` binds to.")
    port: int = Field(8000, description="Port `cityverse serve` listens on.")
    city: str = Field("kunshan", description="City pack loaded by `cityverse demo`.")
    session_ttl_hours: int = Field(12, ge=1, description="Browser session lifetime.")
    session_idle_minutes: int = Field(
        120, ge=5, description="A session unused this long expires."
    )
    cookie_secure: bool | None = Field(
        None, description="Send cookies with Secure; default on outside dev/test."
    )
    login_max_failures: int = Field(5, ge=1, description="Failed logins before an account locks.")
    login_lock_minutes: int = Field(15, ge=1, description="How long a locked account stays locked.")
    max_body_bytes: int = Field(
        1_048_576, ge=1024, description="Largest JSON request body accepted."
    )
    log_level: str = Field("INFO", description="Log level of the JSON logs.")
    log_json: bool = Field(True, description="Structured JSON logs (off: plain text).")
    ledger_origin: str = Field(
        "kunshan.cityverse/ledger",
        description="Name of the verifiable log: first line of its checkpoints and its key name.",
    )
    ledger_signing_key: str = Field(
        "",
        description="Checkpoint signing key as a signed-note `PRIVATE+KEY+…` string; empty "
        "derives an Ed25519 key from the secret key.",
    )
    ledger_batch_size: int = Field(
        1000, ge=1, le=20_000, description="Most log entries written in one transaction."
    )
    ledger_batch_wait_ms: int = Field(
        2, ge=0, le=1000, description="How long a batch waits for more entries before writing."
    )
    ledger_checkpoint_every: int = Field(
        1000, ge=1, description="Sign a checkpoint once this many log entries are not yet in one…"
    )
    ledger_checkpoint_interval_ms: int = Field(
        1000, ge=10, description="…or this long after the last one, when entries are waiting."
    )
    commerce_auto_complete_days: int = Field(
        14, ge=0, le=365,
        description="Shop orders shipped this many days ago complete by themselves (0: never).",
    )

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.env == "prod" and (
            self.secret_key == DEFAULT_SECRET_KEY or len(self.secret_key) < 32
        ):
            raise ValueError(
                "CITYVERSE_SECRET_KEY must be set to a random value of 32+ characters "
                "outside dev mode"
            )
        return self

    @property
    def dev_mode(self) -> bool:
        return self.env in ("dev", "test")

    @property
    def secure_cookies(self) -> bool:
        return self.cookie_secure if self.cookie_secure is not None else not self.dev_mode

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'cityverse.db').as_posix()}"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
