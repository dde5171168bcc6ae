"""Connection profiles ([connections.NAME] in the config file) and where their secrets come from.

A secret comes only from an environment variable (password_env, token_env), a file readable by its
owner alone (password_file, token_file), or the no-echo prompt (password_prompt = true, or
`connect NAME --password`). The config file itself never holds one.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Callable, Mapping

from .addresses import DEFAULT_ADDRESS, lite_address, parse_address
from .errors import UsageError

if TYPE_CHECKING:
    from .connection import ConnectionSettings

MAX_SECRET_BYTES = 64 * 1024
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")  # what password_env / token_env may hold
SECRET_SOURCES = ("password_env", "password_file", "token_env", "token_file", "password_prompt")


@dataclass(frozen=True)
class Profile:
    """One [connections.NAME] table. Its keys, in the order `save` writes them."""

    name: str
    address: str = ""
    lite: str = ""  # a Milvus Lite data folder, instead of address
    user: str = ""
    db: str = ""
    tls: bool = False
    ca: str = ""
    cert: str = ""
    key: str = ""
    server_name: str = ""
    timeout: float | None = None
    password_env: str = ""
    password_file: str = ""
    token_env: str = ""
    token_file: str = ""
    password_prompt: bool = False

    def keys(self) -> dict[str, object]:
        """The keys that are set, as the config file holds them (never a secret: only where it is)."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name != "name" and getattr(self, f.name) not in ("", None, False)}

    def secret_source(self) -> tuple[str, str] | None:
        for key in SECRET_SOURCES:
            value = getattr(self, key)
            if value:
                return key, str(value)
        return None

    def describe_secret(self) -> str:
        """Where the secret comes from, in words (`profiles`): never the secret."""
        source = self.secret_source()
        if source is None:
            return ""
        key, where = source
        what = "token" if key.startswith("token") else "password"
        if key == "password_prompt":
            return "password asked"
        return f"{what} from ${where}" if key.endswith("_env") else f"{what} from file {where}"


def profile_settings(profile: Profile, environ: Mapping[str, str]) -> ConnectionSettings:
    """The profile as connection settings, without its secret (``with_secret`` adds it)."""
    from .connection import ConnectionSettings  # noqa: PLC0415 - checking a config file at start needs none

    if profile.lite:
        address = lite_address(profile.lite)
    else:
        address = parse_address(profile.address or environ.get("MILVUS_URI") or DEFAULT_ADDRESS)
    return ConnectionSettings(
        address=address, user=profile.user, database=profile.db, tls=profile.tls,
        ca=os.path.expanduser(profile.ca) if profile.ca else "",
        cert=os.path.expanduser(profile.cert) if profile.cert else "",
        key=os.path.expanduser(profile.key) if profile.key else "",
        server_name=profile.server_name, timeout=profile.timeout, profile=profile.name,
    )


def with_secret(settings: ConnectionSettings, profile: Profile, environ: Mapping[str, str],
                ask: Callable[[str], str] | None) -> ConnectionSettings:
    """``settings`` with the profile's secret read from its source; a UsageError names a missing one."""
    source = profile.secret_source()
    if source is None:
        return settings
    key, where = source
    if key == "password_prompt":
        if ask is None:
            raise UsageError(f"profile {profile.name} asks for the password, and there is no terminal to ask on",
                             f"set password_env or password_file in [connections.{profile.name}] for scripts")
        secret = ask(f"Password for {settings.user or 'root'} ({profile.name}): ")
        if not secret:
            raise UsageError("no password given; nothing changed")
    elif key.endswith("_env"):
        if not ENV_NAME.match(where):  # never echoed: it may be the secret itself, pasted
            raise UsageError(f"profile {profile.name}: {key} is not a valid environment variable name",
                             "give the variable's name (letters, digits and '_'), never the secret itself")
        secret = environ.get(where, "")
        if not secret:
            state = "is empty" if where in environ else "is not set"
            raise UsageError(f"profile {profile.name}: the environment variable {where} ({key}) {state}",
                             f"export {where}=... before starting the shell, or give --password to be asked")
    else:
        secret = read_secret_file(os.path.expanduser(where), f"profile {profile.name}: {key} {where}")
    field = "token" if key.startswith("token") else "password"
    other = "password" if field == "token" else "token"
    changes = {field: secret, other: "", "secret_source": key if key == "password_prompt" else f"{key}={where}"}
    return settings.with_changes(**changes)


def read_secret_file(path: str, what: str) -> str:
    """The first line of a secret file; refused, with the reason, when it is not a regular file or
    when its group or others may read it. A symbolic link is followed (secret mounts are links); the
    file it reaches is what is checked."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise UsageError(f"{what}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{what}: cannot read it: {(exc.strerror or str(exc)).lower()}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UsageError(f"{what} is not a regular file", "a secret file is a plain file of mode 0600")
        mode = stat.S_IMODE(st.st_mode)
        if mode & 0o077:
            raise UsageError(
                f"{what} is readable by {'group and others' if mode & 0o044 == 0o044 else 'group' if mode & 0o070 else 'others'}"
                f" (mode {mode:04o}); a secret file must be private",
                f"chmod 600 {path}")
        data = os.read(fd, MAX_SECRET_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_SECRET_BYTES:
        raise UsageError(f"{what} is larger than {MAX_SECRET_BYTES // 1024} KB: not a secret file")
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")  # a BOM is not part of the secret
    except UnicodeDecodeError:
        raise UsageError(f"{what} is not UTF-8 text") from None
    secret = text.splitlines()[0].strip() if text.strip() else ""
    if not secret:
        raise UsageError(f"{what} is empty")
    return secret


def profile_from_settings(name: str, settings: ConnectionSettings) -> tuple[Profile, str | None]:
    """What `save` writes for an alias: its settings, and where its secret came from when that was a
    profile's source. Also what was left out (a secret given by hand), in words, or None."""
    address = settings.address
    source_key, _, source_value = settings.secret_source.partition("=")
    secret_keys: dict[str, object] = {}
    if source_key in SECRET_SOURCES:
        secret_keys[source_key] = True if source_key == "password_prompt" else source_value
    left_out = None
    if (settings.password or settings.token) and not secret_keys:
        what = "token" if settings.token else "password"
        env = "token_env" if settings.token else "password_env"
        left_out = (f"the {what} of this connection was not saved (a secret is never written to the config "
                    f"file); add {env} = \"VARIABLE\" (or {what}_file = \"PATH\", a file of mode 0600)"
                    f" to [connections.{name}], or connect {name} --password to be asked")
    profile = Profile(
        name=name,
        address="" if address.kind == "lite" else address.display,
        lite=address.path if address.kind == "lite" else "",
        user=settings.user, db=settings.database, tls=settings.tls and not address.tls,
        ca=settings.ca, cert=settings.cert, key=settings.key, server_name=settings.server_name,
        timeout=settings.timeout, **secret_keys,  # type: ignore[arg-type]
    )
    return profile, left_out
