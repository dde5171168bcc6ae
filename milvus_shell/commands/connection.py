"""connect, disconnect, use, connections, ping."""

from __future__ import annotations

from typing import Any

from ..addresses import DEFAULT_ADDRESS, lite_address, looks_like_address, parse_address
from ..connection import ConnectionSettings
from ..context import ShellContext
from ..errors import UsageError
from ..config import profile_for
from ..profiles import profile_settings, with_secret
from ..results import Message, Table
from .spec import Command, Invocation, Kind, Option, Positional


def _alias_or_address(bound: dict[str, Any]) -> dict[str, Any]:
    """A lone positional that looks like an address is the ADDRESS of alias ``default``."""
    alias = bound.get("ALIAS")
    if alias is not None and "ADDRESS" not in bound and looks_like_address(alias.value):
        return {"ADDRESS": alias}
    return bound


def connect(ctx: ShellContext, inv: Invocation) -> Message:
    alias = inv.arg("ALIAS", "default")
    registry = ctx.registry
    previous = registry.settings(alias)
    address_text = inv.arg("ADDRESS")
    profile = None
    if inv.opt("lite") is not None:
        if address_text is not None:
            raise UsageError("give either ADDRESS or --lite DIR, not both")
        address = lite_address(inv.opt("lite"))
    elif address_text is not None:
        address = parse_address(address_text)
    elif previous is not None:
        address = previous.address
    elif (profile := profile_for(ctx, alias)) is not None:  # [connections.ALIAS]: the line overrides it
        previous = profile_settings(profile, ctx.environ)
        address = previous.address
    else:
        address = parse_address(ctx.environ.get("MILVUS_URI") or DEFAULT_ADDRESS)

    if registry.is_connected(alias):
        current = registry.settings(alias)
        if current is not None and current.address == address:
            registry.use(alias)
            return Message(f"{alias} is already connected to {current.display_address()}; it is the active alias")
        shown = current.display_address() if current else "?"
        raise UsageError(
            f"alias {alias!r} is already connected to {shown}",
            f"disconnect {alias} first, or pick another alias",
        )

    if "password" in inv.options and inv.opt("token") is not None:
        raise UsageError("give --password or --token, not both")
    # Reconnecting to the same place keeps what was given before; a new address starts afresh.
    base = previous if previous is not None and previous.address == address else ConnectionSettings(address)
    changes: dict[str, Any] = {"address": address}
    for key in ("user", "token", "ca", "cert", "key", "server_name", "timeout"):
        if inv.opt(key) is not None:
            changes[key] = inv.opt(key)
    if inv.opt("db") is not None:
        changes["database"] = inv.opt("db")
    if inv.opt("tls"):
        changes["tls"] = True
    if "password" in inv.options:
        changes["password"] = inv.opt("password") or _ask_password(ctx, alias, changes.get("user") or base.user)
        changes["token"] = changes["secret_source"] = ""
    elif inv.opt("token") is not None:
        changes["password"] = changes["secret_source"] = ""
    settings = base.with_changes(**changes)
    if not settings.password and not settings.token and profile is not None:
        settings = with_secret(settings, profile, ctx.environ, ctx.ask_secret)
    if not settings.password and not settings.token:
        settings = _secrets_from_environment(ctx, settings)
    if settings.password and not settings.user:
        settings = settings.with_changes(user="root")

    info = registry.connect(alias, settings)
    version = info.server_version or "unknown version"
    return Message(
        f"connected {info.alias} -> {info.address} (Milvus {version}, database {info.database})"
        f" in {info.round_trip_ms:.1f} ms round trip"
    )


def _ask_password(ctx: ShellContext, alias: str, user: str) -> str:
    if ctx.ask_secret is None:
        raise UsageError(
            "--password without a value needs a terminal to ask on",
            "in scripts set MILVUS_PASSWORD (or MILVUS_TOKEN) in the environment",
        )
    who = user or "root"
    secret = ctx.ask_secret(f"Password for {who} ({alias}): ")
    if not secret:
        raise UsageError("no password given; nothing changed")
    return secret


def _secrets_from_environment(ctx: ShellContext, settings: ConnectionSettings) -> ConnectionSettings:
    token = ctx.environ.get("MILVUS_TOKEN", "")
    password = ctx.environ.get("MILVUS_PASSWORD", "")
    if password and settings.user:
        return settings.with_changes(password=password)
    if token:
        return settings.with_changes(token=token)
    if password:
        return settings.with_changes(user="root", password=password)
    return settings


def disconnect(ctx: ShellContext, inv: Invocation) -> Message:
    registry = ctx.registry
    if inv.opt("all"):
        if inv.arg("ALIAS"):
            raise UsageError("give either aliases or --all, not both")
        closed = registry.disconnect_all()
        said = "disconnected " + ", ".join(closed) if closed else "nothing was connected"
        return Message(f"{said}; no active alias")
    aliases = inv.arg("ALIAS") or ([registry.active] if registry.active else [])
    if not aliases:
        raise UsageError("no active alias to disconnect", "name one: disconnect ALIAS, or --all")
    for alias in aliases:  # check all before closing any, so a typo changes nothing
        if registry.settings(alias) is None:
            raise registry.unknown_alias(alias)
    lines = []
    for alias in dict.fromkeys(aliases):
        was_live = registry.disconnect(alias)
        lines.append(f"disconnected {alias}" if was_live else f"{alias} was not connected")
    active = registry.active
    lines.append(f"active alias: {active}" if active else "no active alias")
    return Message("; ".join(lines))


def use(ctx: ShellContext, inv: Invocation) -> Message:
    alias = inv.arg("ALIAS")
    ctx.registry.use(alias)
    view = ctx.registry.view(alias)
    return Message(f"using {alias} ({view.address}, database {view.database})")


def connections(ctx: ShellContext, inv: Invocation) -> Table | Message:
    views = ctx.registry.views()
    if not views:
        return Message("no connections yet; connect [ALIAS] [ADDRESS] makes one")
    rows = [
        ["*" if v.active else "", v.alias, v.state, v.address, v.user, v.database, v.server_version, v.profile]
        for v in views
    ]
    active = next((i for i, v in enumerate(views) if v.active), None)
    return Table(["", "alias", "state", "address", "user", "database", "server", "profile"], rows,
                 active_row=active)


def ping(ctx: ShellContext, inv: Invocation) -> Message:
    info = ctx.registry.ping(inv.arg("ALIAS"))
    return Message(f"{info.alias} ({info.address}): {info.detail}, {info.round_trip_ms:.2f} ms round trip")


_ALIAS_HELP = "a name of letters, digits, '_' and '-' starting with a letter"

COMMANDS = (
    Command(
        name="connect",
        summary="Open a named connection to a Milvus server and make it active",
        handler=connect,
        positionals=(
            Positional("ALIAS", Kind.ALIAS, f"connection name, default 'default' ({_ALIAS_HELP})",
                       accepts="new"),
            Positional("ADDRESS", Kind.ADDRESS, "host:port, host, [::1]:port, http(s)://, tcp://, unix:/path or DIR.db"),
        ),
        options=(
            Option("--user", "user name", Kind.WORD, "USER"),
            Option("--password", "password; with no value it is asked for without echo", Kind.SECRET,
                   "PASSWORD", value_optional=True),
            Option("--token", "API token (instead of user and password)", Kind.SECRET, "TOKEN"),
            Option("--db", "database to use", Kind.WORD, "NAME"),
            Option("--tls", "use TLS (implied by https://, --ca, --cert and --key)"),
            Option("--ca", "CA certificate that signed the server's certificate", Kind.PATH, "FILE"),
            Option("--cert", "client certificate for two-way TLS", Kind.PATH, "FILE"),
            Option("--key", "client private key for two-way TLS", Kind.PATH, "FILE"),
            Option("--server-name", "name expected in the server's certificate", Kind.WORD, "NAME"),
            Option("--timeout", "seconds to wait for the server", Kind.NUMBER, "SECONDS"),
            Option("--lite", "start an embedded Milvus Lite on data folder DIR (instead of ADDRESS)",
                   Kind.PATH, "DIR"),
        ),
        examples=(
            "connect default localhost:19530",
            "connect prod milvus.example.com:19530 --user root --password",
            "connect secure https://milvus.example.com:443 --ca ca.pem",
            "connect local ./milvus_data.db",
            "connect localhost:19530",
        ),
        details=(
            "A lone ADDRESS (it holds ':' or '/' or ends in .db) connects alias 'default'. Without an "
            "ADDRESS the alias's previous address is used, else the config file's profile of that name "
            "([connections.ALIAS]; options on the line override it), else MILVUS_URI, else "
            "localhost:19530; a reconnect keeps the "
            "user, secrets and TLS settings given before. When no secret is given, MILVUS_PASSWORD or "
            "MILVUS_TOKEN from the environment is used. A failed connect changes nothing."
        ),
        rebind=_alias_or_address,
    ),
    Command(
        name="disconnect",
        summary="Close connections (their settings are kept for a later connect)",
        handler=disconnect,
        positionals=(Positional("ALIAS", Kind.ALIAS, "aliases to close (default: the active one)", repeat=True),),
        options=(Option("--all", "close every connection"),),
        examples=("disconnect default", "disconnect prod staging", "disconnect --all"),
    ),
    Command(
        name="use",
        summary="Make a connected alias the active one",
        handler=use,
        positionals=(Positional("ALIAS", Kind.ALIAS, "a connected alias", required=True, accepts="live"),),
        examples=("use prod",),
    ),
    Command(
        name="connections",
        summary="List every alias: state, address, user, database, server version",
        handler=connections,
        examples=("connections",),
    ),
    Command(
        name="ping",
        summary="Round trip and health of a connection",
        handler=ping,
        positionals=(Positional("ALIAS", Kind.ALIAS, "a connected alias (default: the active one)",
                               accepts="live"),),
        examples=("ping", "ping prod"),
    ),
)
