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
    upload_max_bytes: int = Field(
        10_485_760, ge=1024,
        description="Largest uploaded file (service-request attachments, task evidence).",
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
    ledger_verify_transactions: bool = Field(
        True, description="Verify every log entry is a canonical signed transaction whose "
        "Ed25519 signature checks, in batches, before it is appended."
    )
    ledger_verify_workers: int = Field(
        0, ge=0, le=64, description="Processes that verify those signatures; 0 verifies each "
        "batch in one thread of the app process (no process pool to start)."
    )
    redis_url: str = Field(
        "", description="Redis URL (`redis://host:port/0`); set it to share world-server rooms "
        "between several server processes through pub/sub. Empty: one process."
    )
    twin_notify_allow_private: bool | None = Field(
        None, description="Twin notifications may go to loopback/private/link-local addresses; "
        "default on in dev/test, off in prod (server-side request forgery guard)."
    )
    world_tick_hz: int = Field(15, ge=10, le=20, description="World-server ticks per second.")
    world_full_rate_cap: int = Field(
        50, ge=1, le=500, description="Nearest avatars sent to a client every tick."
    )
    world_low_rate_cap: int = Field(
        200, ge=0, le=5000, description="Further avatars in view range sent at low rate."
    )
    world_low_rate_every: int = Field(
        5, ge=1, le=60, description="Low-rate avatars are sent every this many ticks."
    )
    world_view_range_m: float = Field(
        40.0, gt=0, le=1000, description="Avatars farther than this (metres) are not sent."
    )
    world_resume_seconds: float = Field(
        30.0, ge=0, le=600, description="How long a dropped visitor's avatar waits for a resume."
    )
    assets_kek: str = Field(
        "",
        description="Key-encryption key of the asset platform (custodial user keys, work "
        "originals); empty derives one from the secret key, refused outside dev mode.",
    )
    assets_kek_new: str = Field(
        "", description="The KEK that `cityverse assets rotate-kek` re-wraps every key under "
        "(asked for when empty); afterwards it becomes CITYVERSE_ASSETS_KEK."
    )
    assets_max_upload_bytes: int = Field(
        50 * 1_048_576, ge=1024, le=2**31, description="Largest work file a creator may upload."
    )
    token_holding_days: int = Field(
        180, ge=0, le=3650,
        description="Days a digital collectible must be held before its owner may gift it.",
    )
    evm_enabled: bool = Field(
        False, description="Mirror token operations to the ERC-721 contract on an EVM chain."
    )
    evm_url: str = Field(
        "", description="JSON-RPC URL of the EVM chain; empty runs an in-memory py-evm chain "
        "in the process (tests and demos: it is lost at restart)."
    )
    evm_contract: str = Field(
        "", description="Address of a deployed collectible contract; empty deploys one on the "
        "chain at first use and remembers it."
    )
    evm_operator_key: str = Field(
        "", description="Hex private key of the EVM operator (deploys, mints, burns, moves "
        "tokens; pays gas); empty derives one from the secret key."
    )
    evm_regulator_key: str = Field(
        "", description="Hex private key that freezes and unfreezes tokens on chain; empty "
        "derives one from the secret key."
    )
    evm_holding_period_s: int = Field(
        180 * 24 * 3600, ge=0, description="Holding period written into a newly deployed "
        "contract: seconds a holder keeps a token before it can move."
    )
    evm_poll_ms: int = Field(
        500, ge=10, description="How often the EVM mirror worker looks for new operations."
    )
    commerce_auto_complete_days: int = Field(
        14, ge=0, le=365,
        description="Shop orders shipped this many days ago complete by themselves (0: never).",
    )

    mqtt_url: str = Field(
        "", description="URL of an external MQTT broker (`mqtt://user:password@host:1883`) the "
        "twin subscribes to for device telemetry; empty: the embedded broker."
    )
    mqtt_embedded: bool | None = Field(
        None, description="Run the embedded MQTT broker when `mqtt_url` is empty; default on "
        "outside `test`."
    )
    mqtt_host: str = Field("127.0.0.1", description="Address the embedded MQTT broker binds to.")
    mqtt_port: int = Field(
        1883, ge=0, le=65535, description="Port of the embedded MQTT broker (0: no broker)."
    )
    twin_ingest_batch_size: int = Field(
        5000, ge=1, le=50_000, description="Most MQTT readings written in one transaction."
    )
    twin_ingest_batch_wait_ms: int = Field(
        20, ge=0, le=1000, description="How long an ingest batch waits for more readings."
    )
    twin_simulator: Literal["auto", "on", "off"] = Field(
        "auto", description="Device simulator publishing sensor readings over MQTT: `auto` "
        "runs it in `dev` when the twin holds sensor entities (the demo data)."
    )
    twin_simulator_interval_s: float = Field(
        10.0, ge=0.05, le=3600, description="Seconds between two readings of one simulated device."
    )
    expo_meeting_hours: str = Field(
        "09:00-18:00", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-4]):[0-5][0-9]$",
        description="Hall opening hours (local time) in which negotiation meetings may be "
        "booked, as HH:MM-HH:MM; 00:00-24:00 for all day.",
    )
    expo_meeting_timezone: str = Field(
        "Asia/Shanghai", description="Time zone of the hall's opening hours (IANA name)."
    )
    expo_meeting_slot_minutes: int = Field(
        30, ge=10, le=240, description="Length of one negotiation slot; starts are aligned to it."
    )
    expo_meeting_entry_minutes: int = Field(
        15, ge=0, le=120,
        description="How many minutes before its slot a negotiation room opens to its parties.",
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
        if self.env == "prod" and len(self.assets_kek) < 32:
            raise ValueError(
                "CITYVERSE_ASSETS_KEK must be set to a random value of 32+ characters "
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
    def mqtt_embedded_on(self) -> bool:
        embedded = self.mqtt_embedded if self.mqtt_embedded is not None else self.env != "test"
        return embedded and not self.mqtt_url and self.mqtt_port > 0

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
