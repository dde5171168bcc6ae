"""connect, disconnect, use, connections, ping."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from ..addresses import DEFAULT_ADDRESS, DEFAULT_PORT, Address, lite_address, looks_like_address, parse_address
from ..connection import ConnectionSettings
from ..context import ShellContext
from ..config import profile_for
from ..errors import ParseError, UsageError
from ..parser import SECRET_MASK
from ..profiles import profile_settings, with_secret
from ..results import Message, Table
from ..tokens import Token
from .spec import FORMAT_OPTION, Command, Effect, Invocation, Kind, Option, Positional


def _alias_or_address(bound: dict[str, Any]) -> dict[str, Any]:
    """A lone positional that looks like an address is the ADDRESS of alias ``default``."""
    alias = bound.get("ALIAS")
    if alias is not None and "ADDRESS" not in bound and looks_like_address(alias.value):
        return {"ADDRESS": alias}
    return bound


def _python_keyword_form(tokens: Sequence[Token]) -> ParseError | None:
    """``connect alias="default" host='localhost' port='19530'`` is the pymilvus call's form: answer it
    with the shell's own form, built from what was typed."""
    pairs = {}
    for tok in tokens:
        key, eq, value = tok.value.partition("=")
        if eq and key in _PYTHON_KEYWORDS:
            pairs[key] = value
    if not pairs:
        return None
    alias = pairs.get("alias", "default")
    if "uri" in pairs:
        where = pairs["uri"]
    else:
        where = f"{pairs.get('host', 'localhost')}:{pairs.get('port', DEFAULT_PORT)}"
    extra = "".join(f" --{'db' if k == 'db_name' else k} {v if k not in ('password', 'token') else '…'}"
                    for k, v in pairs.items() if k in ("user", "password", "token", "db_name"))
    return ParseError("that is the Python call's keyword form; the shell takes words and options",
                      tokens[0].column, f"in the shell: connect {alias} {where}{extra}  (or --host H --port P, --uri URI)")


_PYTHON_KEYWORDS = ("alias", "host", "port", "uri", "user", "password", "token", "db_name", "secure", "timeout")


def connect(ctx: ShellContext, inv: Invocation) -> Message:
    alias = inv.arg("ALIAS", "default")
    registry = ctx.registry
    previous = registry.settings(alias)
    profile = None
    if previous is None and not _names_a_place(inv) and (profile := profile_for(ctx, alias)) is not None:
        previous = profile_settings(profile, ctx.environ)  # [connections.ALIAS]: the line overrides it
    address = _address(inv, previous, ctx.environ)
    if "password" in inv.options and inv.opt("token") is not None:
        raise UsageError("give --password or --token, not both")
    # Reconnecting to the same place keeps what was given before; a new address starts afresh.
    base = previous if previous is not None and previous.address == address else ConnectionSettings(address)
    changes: dict[str, Any] = {"address": address}
    for key in ("user", "ca", "cert", "key", "server_name", "timeout"):
        if inv.opt(key) is not None:
            changes[key] = inv.opt(key)
    if inv.opt("db") is not None:
        changes["database"] = inv.opt("db")
    if inv.opt("tls"):
        changes["tls"] = True
    user = changes.get("user") or base.user
    if "password" in inv.options:
        changes["password"] = _secret(ctx, alias, "password", inv.opt("password"), previous, user)
        changes["token"] = changes["secret_source"] = ""
    elif inv.opt("token") is not None:
        changes["token"] = _secret(ctx, alias, "token", inv.opt("token"), previous, user)
        changes["password"] = changes["secret_source"] = ""
    settings = base.with_changes(**changes)
    if not settings.password and not settings.token and profile is not None:
        settings = with_secret(settings, profile, ctx.environ, ctx.ask_secret)
    if not settings.password and not settings.token:
        settings = _secrets_from_environment(ctx, settings)
    if settings.password and not settings.user:
        settings = settings.with_changes(user="root")

    was = registry.view(alias) if registry.is_connected(alias) else None
    if was is not None and settings == previous:
        registry.use(alias)
        return Message(f"{alias} is already connected to {was.address}; it is the active alias")
    ctx.progress(f"connecting {alias} to {settings.display_address()} …")
    info = registry.connect(alias, settings)
    version = info.server_version or "unknown version"
    said = (f"connected {info.alias} -> {info.address} (Milvus {version}, database {info.database})"
            f" in {info.round_trip_ms:.1f} ms round trip")
    if was is not None:  # the new settings are in force: say what they replaced
        said += f"; this replaces its connection to {was.address}" + (f" as {was.user}" if was.user else "") + (
            f", database {was.database}" if was.database != info.database else "")
    return Message(said)


def _names_a_place(inv: Invocation) -> bool:
    return any(v is not None for v in (inv.arg("ADDRESS"), inv.opt("uri"), inv.opt("host"), inv.opt("port"),
                                       inv.opt("lite")))


def _address(inv: Invocation, previous: ConnectionSettings | None, environ: Mapping[str, str]) -> Address:
    """The one place the line names: ADDRESS, --uri, --host/--port or --lite; else the alias's
    previous address (or its profile's), else MILVUS_URI, else localhost:19530."""
    given = [name for name, value in (("ADDRESS", inv.arg("ADDRESS")), ("--uri", inv.opt("uri")),
                                      ("--host/--port", inv.opt("host") or inv.opt("port")),
                                      ("--lite", inv.opt("lite"))) if value is not None]
    if len(given) > 1:
        raise UsageError(f"give one of {' or '.join(given)}, not both", "they each say where to connect")
    if inv.opt("lite") is not None:
        return lite_address(inv.opt("lite"))
    if inv.arg("ADDRESS") is not None:
        return parse_address(inv.arg("ADDRESS"))
    if inv.opt("uri") is not None:
        return parse_address(inv.opt("uri"))
    if inv.opt("host") is not None or inv.opt("port") is not None:
        host = inv.opt("host") or (previous.address.host if previous and previous.address.host else "localhost")
        host = f"[{host}]" if ":" in host and not host.startswith("[") else host
        return parse_address(f"{host}:{inv.opt('port') or DEFAULT_PORT}")
    return previous.address if previous is not None else parse_address(environ.get("MILVUS_URI") or DEFAULT_ADDRESS)


def _secret(ctx: ShellContext, alias: str, kind: str, given: str | None, previous: ConnectionSettings | None,
            user: str) -> str:
    """The password or token to use: as given; asked for when no value came (``--password``); and
    for the mask a recalled history line holds (``***``), never the mask itself: the secret this
    alias had in memory, else asked for."""
    if given is not None and given != SECRET_MASK:
        return given
    if given == SECRET_MASK and previous is not None and getattr(previous, kind):
        return str(getattr(previous, kind))
    if kind == "token" and ctx.ask_secret is None:
        raise UsageError("--token *** is a masked token from the history, not a token",
                         "give the token again, or set MILVUS_TOKEN")
    if kind == "token":
        return _ask(ctx, f"Token ({alias}): ")
    return _ask_password(ctx, alias, user)


def _ask(ctx: ShellContext, prompt: str) -> str:
    secret = ctx.ask_secret(prompt) if ctx.ask_secret else ""
    if not secret:
        raise UsageError("nothing given; nothing changed")
    return secret


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
    assert view is not None  # use() refused an unknown alias, and an alias once known stays
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
    return Message(f"{info.alias} ({info.address}): {info.detail}, {info.round_trip_ms:.2f} ms round trip",
                   data=True)  # the answer asked for, not a status report: stdout in scripts too


_ALIAS_HELP = "a name of letters, digits, '_' and '-' starting with a letter"

COMMANDS = (
    Command(
        name="connect",
        changes=frozenset({Effect.CONNECTIONS}),
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
            Option("--uri", "the address as pymilvus's uri= (instead of ADDRESS)", Kind.ADDRESS, "URI"),
            Option("--host", "host name or IP, as pymilvus's host= (instead of ADDRESS)", Kind.WORD, "HOST"),
            Option("--port", f"port, as pymilvus's port= (default {DEFAULT_PORT})", Kind.INTEGER, "PORT",
                   bounds=(1, 65535)),
        ),
        examples=(
            "connect default localhost:19530",
            "connect prod milvus.example.com:19530 --user root --password",
            "connect secure https://milvus.example.com:443 --ca ca.pem",
            "connect local ./milvus_data.db",
            "connect localhost:19530",
        ),
        details=(
            "A lone ADDRESS (it holds ':' or '/' or ends in .db) connects alias 'default'; --uri, or "
            "--host and --port, say the same as pymilvus's keywords. Without any, the alias's previous "
            "address is used, else the config file's profile of that name ([connections.ALIAS]; options "
            "on the line override it), else MILVUS_URI, else localhost:19530; a reconnect keeps the user, "
            "secrets and TLS settings given before. Connecting an alias that is already connected, with "
            "other settings (address, user, database, ...), opens a new session and swaps it in once it "
            "works. A secret masked as *** (a line recalled from history) is never sent: the alias's own "
            "secret is used, or asked for. When no secret is given, MILVUS_PASSWORD or MILVUS_TOKEN from "
            "the environment is used. A failed connect changes nothing."
        ),
        rebind=_alias_or_address,
        precheck=_python_keyword_form,
    ),
    Command(
        name="disconnect",
        changes=frozenset({Effect.CONNECTIONS}),
        summary="Close connections (their settings are kept for a later connect)",
        handler=disconnect,
        positionals=(Positional("ALIAS", Kind.ALIAS, "aliases to close (default: the active one)", repeat=True),),
        options=(Option("--all", "close every connection"),),
        examples=("disconnect default", "disconnect prod staging", "disconnect --all"),
    ),
    Command(
        name="use",
        changes=frozenset({Effect.CONNECTIONS}),
        summary="Make a connected alias the active one",
        handler=use,
        positionals=(Positional("ALIAS", Kind.ALIAS, "a connected alias", required=True, accepts="live"),),
        examples=("use prod",),
    ),
    Command(
        name="connections",
        summary="List every alias: state, address, user, database, server version",
        handler=connections,
        options=(FORMAT_OPTION,),
        examples=("connections", "connections --format json"),
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
