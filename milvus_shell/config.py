"""The config file: $XDG_CONFIG_HOME/milvus-shell/config.toml (or --config PATH), read with tomllib.

A missing file is fine. A file that is not valid TOML is reported with its line and column and
ignored as a whole; an unknown key, a value of the wrong type or a refused key (a plain password) is
reported naming the key, and only that key (or that profile) is left out. The shell starts anyway.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from .paths import config_dir

FILE_NAME = "config.toml"
MAX_CONFIG_BYTES = 1024 * 1024
_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$|\s*\(at end of document\)$")


def config_path(environ: Mapping[str, str]) -> Path:
    return config_dir(environ) / FILE_NAME


@dataclass
class Config:
    path: Path
    settings: dict[str, Any] = field(default_factory=dict)  # checked values, by setting name
    profiles: dict[str, Any] = field(default_factory=dict)  # name -> profiles.Profile
    problems: list[str] = field(default_factory=list)  # each in words, naming the file and key
    exists: bool = False
    refused_profiles: list[str] = field(default_factory=list)  # in the file, left out for a problem

    def names_in_file(self) -> list[str]:
        """Every profile the file holds, usable or not (`forget` removes either)."""
        return [*self.profiles, *self.refused_profiles]

    def profile(self, name: str) -> Any:
        return self.profiles.get(name)


def context_config(ctx: Any) -> Config:
    """The shell's config (read once, at start or on first use)."""
    if ctx.config is None:
        ctx.config = load_config(config_path(ctx.environ))
    config: Config = ctx.config
    return config


def profile_for(ctx: Any, alias: str) -> Any:
    """The profile named ``alias`` in the shell's config file (a profiles.Profile), or None."""
    return context_config(ctx).profile(alias)


def load_config(path: Path) -> Config:
    """Read and check the config file at ``path``; never raises for what the file holds."""
    config = Config(path)
    try:
        data = _read_regular(path)
    except FileNotFoundError:
        return config
    except NotRegular as exc:
        config.problems.append(f"{path}: {exc}; using the defaults")
        return config
    except OSError as exc:
        config.problems.append(f"cannot read {path}: {(exc.strerror or str(exc)).lower()}; using the defaults")
        return config
    config.exists = True
    if len(data) > MAX_CONFIG_BYTES:
        config.problems.append(f"{path}: larger than 1 MB; using the defaults")
        return config
    import tomllib  # noqa: PLC0415 - only when there is a file

    try:
        document = tomllib.loads(data.decode("utf-8").removeprefix("\ufeff"))  # a BOM is allowed
    except UnicodeDecodeError as exc:
        config.problems.append(f"{path}: not UTF-8 (byte {exc.start + 1}); using the defaults")
        return config
    except tomllib.TOMLDecodeError as exc:
        config.problems.append(f"{path}: {where_and_what(str(exc))}; using the defaults")
        return config
    _check(document, config)
    return config


class NotRegular(OSError):
    """The config path names a FIFO, a device, a folder...: it is never read."""


def _read_regular(path: Path) -> bytes:
    """The file's first MAX_CONFIG_BYTES + 1 bytes. Only a regular file is read: the path is checked
    first (a FIFO is never opened, so the start cannot hang on one), then the descriptor (opened
    without blocking) is checked again. A symbolic link is followed for reading."""
    import stat  # noqa: PLC0415

    if not stat.S_ISREG(os.stat(path).st_mode):
        raise NotRegular("not a regular file")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegular("not a regular file")
        chunks, size = [], 0
        while size <= MAX_CONFIG_BYTES:
            chunk = os.read(fd, MAX_CONFIG_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def where_and_what(message: str) -> str:
    """tomllib's "Expected '=' ... (at line 3, column 9)" as "line 3, column 9: expected '=' ..."."""
    match = _AT.search(message)
    what = message[: match.start()] if match else message
    what = what[:1].lower() + what[1:]
    if match and match.group(1):
        return f"line {match.group(1)}, column {match.group(2)}: {what}"
    return f"at the end of the file: {what}" if match else what


def _check(document: dict[str, Any], config: Config) -> None:
    from .commands.vocabulary import ALIAS_RE  # noqa: PLC0415
    from .settings import BY_NAME  # noqa: PLC0415

    path = config.path
    for table, value in document.items():
        if table not in ("settings", "connections"):
            config.problems.append(f"{path}: unknown table [{table}] (known: [settings], [connections.NAME])")
        elif not isinstance(value, dict):
            config.problems.append(f"{path}: {table} must be a table ([{table}]), not a value")
    settings = document.get("settings")
    for key, value in (settings.items() if isinstance(settings, dict) else ()):
        spec = BY_NAME.get(key)
        if spec is None:
            config.problems.append(f"{path}: unknown key [settings] {key} (known: {', '.join(BY_NAME)})")
            continue
        from .kinds import KindError  # noqa: PLC0415 - converting a setting's value needs the kinds anyway

        try:
            config.settings[key] = spec.from_toml(value)
        except KindError as exc:
            config.problems.append(f"{path}: {exc.message}")
    connections = document.get("connections")
    for name, table in (connections.items() if isinstance(connections, dict) else ()):
        if not ALIAS_RE.match(name):
            config.problems.append(f"{path}: [connections.{name}]: {name!r} is not a valid alias "
                                   "(letters, digits, '_' and '-', starting with a letter)")
        elif not isinstance(table, dict):
            config.problems.append(f"{path}: connections.{name} must be a table ([connections.{name}])")
            config.refused_profiles.append(name)
        else:
            problems: list[str] = []
            profile = _profile(name, table, problems)
            config.problems += [f"{path}: [connections.{name}] {p}" for p in problems]
            if profile is not None:
                config.profiles[name] = profile
            else:
                config.refused_profiles.append(name)


_NAMES_A_SECRET = ("password_env", "token_env", "password_file", "token_file")

_REFUSED = {
    "password": "a password is never read from the config file: use password_env = \"VARIABLE\" or "
                "password_file = \"PATH\" (a file of mode 0600), or password_prompt = true to be asked",
    "token": "a token is never read from the config file: use token_env = \"VARIABLE\" or "
             "token_file = \"PATH\" (a file of mode 0600)",
}


def _profile(name: str, table: dict[str, Any], problems: list[str]) -> Any:
    """A Profile from a [connections.NAME] table, or None when it has a problem (each one noted)."""
    from .errors import UsageError  # noqa: PLC0415
    from .profiles import ENV_NAME, SECRET_SOURCES, Profile  # noqa: PLC0415

    kinds = {f.name: f.type for f in fields(Profile) if f.name != "name"}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key in _REFUSED:
            problems.append(f"{key}: refused; {_REFUSED[key]}")
            continue
        kind = kinds.get(key)
        if kind is None:
            problems.append(f"unknown key {key} (known: {', '.join(kinds)})")
        elif kind == "bool" and not isinstance(value, bool):
            problems.append(f"{key} must be true or false, not {value!r}")
        elif kind.startswith("float") and (isinstance(value, bool) or not isinstance(value, (int, float))
                                           or value <= 0):
            problems.append(f"{key} must be a positive number of seconds, not {value!r}")
        elif kind == "str" and (not isinstance(value, str) or not value.strip()):
            shown = "" if key in _NAMES_A_SECRET else f", not {value!r}"  # it may be a pasted secret
            problems.append(f"{key} must be a non-empty string{shown}")
        elif key.endswith("_env") and not ENV_NAME.match(value):
            problems.append(f"{key} is not a valid environment variable name (letters, digits and '_', not "
                            "starting with a digit): give the variable's name, never the secret itself")
        else:
            values[key] = float(value) if kind.startswith("float") else value
    sources = [k for k in SECRET_SOURCES if values.get(k)]
    if len(sources) > 1:
        problems.append(f"give one secret source, not {' and '.join(sources)}")
    if values.get("address") and values.get("lite"):
        problems.append("give address or lite, not both")
    if problems:
        return None
    profile = Profile(name=name, **values)
    if profile.address:
        from .addresses import parse_address  # noqa: PLC0415

        try:
            parse_address(profile.address)
        except UsageError as exc:
            problems.append(f"address: {exc.message}")
            return None
    return profile
