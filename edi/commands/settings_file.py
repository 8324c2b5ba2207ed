"""The configuration file (O9): one TOML file whose values become the options' defaults; flags still win.

Found at ``$SBO_EDI_CONFIG`` (which must exist) or else ``./sbo-edi.toml`` (optional). Relative paths in it are
read from the file's own folder. An unknown key or a value of the wrong type is a usage error, never ignored.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from edi.store.connection import DB_ENV
from edi.times import UTILITY_ZONE, ZoneError, zone
from rules.enrollment import Policy

CONFIG_ENV = "SBO_EDI_CONFIG"
DEFAULT_CONFIG = "sbo-edi.toml"


@dataclass(frozen=True)
class Key:
    """One configuration key: its type, its built-in default and the options (command path, parameter) it sets."""

    kind: type
    default: Any
    options: tuple[tuple[str, str], ...] = ()
    path: bool = False  # a file or folder, read relative to the configuration file


ANY = "*"  # every command with that parameter
KEYS: dict[str, Key] = {
    "store": Key(str, "sbo-edi.db", ((ANY, "db_path"),), path=True),
    "timezone": Key(str, UTILITY_ZONE),
    "folders.inbox": Key(str, None, (("process", "inbox"), ("status", "inbox"), ("requeue", "inbox")), path=True),
    "folders.outbox": Key(str, None, (("process", "outbox"), ("purge", "outbox")), path=True),
    "folders.archive": Key(str, None, (("process", "archive"), ("verify", "archive"), ("purge", "archive")), True),
    "folders.quarantine": Key(
        str, None, (("process", "quarantine"), ("requeue", "quarantine"), ("verify", "quarantine")), path=True
    ),
    "process.settle_seconds": Key(float, 5.0, (("process", "settle"),)),
    "process.interval_seconds": Key(float, 10.0, (("process", "interval"),)),
    "process.max_size_mib": Key(int, 256, (("process", "max_size"),)),
    "process.metrics": Key(str, None, (("process", "metrics"),), path=True),
    "process.log_level": Key(str, "info", (("process", "log_level"),)),
    "process.log_file": Key(str, None, (("process", "log_file"),), path=True),
    "retention.days": Key(float, None, (("purge", "days"),)),
    "monitoring.ack_overdue_hours": Key(float, 48.0, (("status", "ack_overdue_hours"),)),
    "monitoring.backlog_minutes": Key(float, 60.0, (("status", "backlog_minutes"),)),
    "policy.arrears_code": Key(str, Policy.arrears_code),
    "policy.arrears_text": Key(str, Policy.arrears_text),
    "identity.utility_name": Key(str, None),
    "identity.utility_duns": Key(str, None),
    "identity.utility_qualifier": Key(str, None),
}


class ConfigError(ValueError):
    """The configuration file cannot be used (named, with the key at fault)."""


@dataclass(frozen=True)
class Config:
    """What the configuration file says, by dotted key, and where it was read from."""

    source: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str) -> Any:
        """The value in force: the file's, else the built-in default."""
        return self.values.get(key, KEYS[key].default)

    @property
    def timezone(self) -> str:
        """The utility's time zone (O8)."""
        return str(self.get("timezone"))

    @property
    def policy(self) -> Policy:
        """D2: the arrears reject code and text."""
        return Policy(arrears_code=self.get("policy.arrears_code"), arrears_text=self.get("policy.arrears_text"))

    def identity(self) -> dict[str, str]:
        """Our identity as the file gives it (``utility_name`` ...), only the keys it sets."""
        return {k.split(".", 1)[1]: v for k, v in self.values.items() if k.startswith("identity.")}

    def origin(self, key: str) -> str:
        """Where the value in force comes from."""
        if key == "store" and os.environ.get(DB_ENV):
            return f"${DB_ENV}"
        return str(self.source) if key in self.values else "built-in default"

    def in_force(self, key: str) -> Any:
        """The value in force for display (``store`` honours ``$SBO_EDI_DB``)."""
        return os.environ[DB_ENV] if key == "store" and os.environ.get(DB_ENV) else self.get(key)


def config_path() -> tuple[Path, bool]:
    """The file to read and whether it must exist (it must when ``$SBO_EDI_CONFIG`` names it)."""
    named = os.environ.get(CONFIG_ENV)
    return (Path(named), True) if named else (Path(DEFAULT_CONFIG), False)


def load_config() -> Config:
    """Read and check the configuration file (none: built-in defaults)."""
    path, required = config_path()
    if not path.is_file():
        if required:
            raise ConfigError(f"${CONFIG_ENV} names {path}, which is not a file")
        return Config()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: not readable TOML ({error})") from None
    return Config(path, _checked(_flatten(document), path))


def _flatten(document: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested tables as dotted keys."""
    flat: dict[str, Any] = {}
    for name, value in document.items():
        key = f"{prefix}{name}"
        flat.update(_flatten(value, f"{key}.") if isinstance(value, dict) else {key: value})
    return flat


def _checked(flat: dict[str, Any], path: Path) -> dict[str, Any]:
    """Every key known and of its type; paths made relative to the file's folder; the zone known."""
    values: dict[str, Any] = {}
    for key, value in flat.items():
        spec = KEYS.get(key)
        if spec is None:
            raise ConfigError(f"{path}: unknown key {key!r}; known: {', '.join(KEYS)}")
        if spec.kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, spec.kind) or isinstance(value, bool):
            raise ConfigError(f"{path}: {key} must be a {spec.kind.__name__}, not {value!r}")
        relative = spec.path and not Path(str(value)).is_absolute()
        values[key] = os.path.normpath(path.parent / str(value)) if relative else value
    try:
        zone(values.get("timezone", UTILITY_ZONE))
    except ZoneError as error:
        raise ConfigError(f"{path}: {error}") from None
    return values


def default_map(config: Config, group: click.Group) -> dict[str, Any]:
    """Click's ``default_map`` for every command under ``group``: the file's values as option defaults."""
    found: dict[str, Any] = {}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found[name] = default_map(config, command)
            continue
        params = {p.name for p in command.params}
        found[name] = {
            param: config.values[key]
            for key, spec in KEYS.items()
            for where, param in spec.options
            if key in config.values and where in (ANY, name) and param in params and config.origin(key) != f"${DB_ENV}"
        }
    return found
