"""save, profiles, forget: connection profiles kept in the config file ([connections.NAME])."""

from __future__ import annotations

from ..config import Config, context_config, load_config
from ..context import ShellContext
from ..errors import UsageError
from ..results import Message, Table
from .spec import FORMAT_OPTION, Command, Effect, Invocation, Kind, Option, Positional


def save(ctx: ShellContext, inv: Invocation) -> Message:
    from ..config_file import save_profile  # noqa: PLC0415
    from ..profiles import profile_from_settings  # noqa: PLC0415

    alias = inv.arg("ALIAS")
    settings = ctx.registry.settings(alias)
    if settings is None:
        raise ctx.registry.unknown_alias(alias)
    name = inv.opt("as") or alias
    profile, left_out = profile_from_settings(name, settings)
    path = context_config(ctx).path
    existed, created = save_profile(path, name, profile.keys())
    ctx.config = load_config(path)
    said = f"{'updated' if existed else 'saved'} profile {name} in {path}"
    if created:
        said += " (a new file, mode 0600)"
    said += f"; connect {name} uses it"
    return Message(said + (f"\nnote: {left_out}" if left_out else ""))


def profiles(ctx: ShellContext, inv: Invocation) -> Table | Message:
    config = context_config(ctx)
    if not config.profiles:
        where = config.path if config.exists else f"{config.path} (no such file yet)"
        return Message(f"no profiles in {where}; save ALIAS writes one")
    in_use: dict[str, list[str]] = {}
    for view in ctx.registry.views():
        if view.profile:
            in_use.setdefault(view.profile, []).append(view.alias)
    rows = []
    for name, p in config.profiles.items():
        where = p.address or (f"lite {p.lite}" if p.lite else "(MILVUS_URI, else localhost:19530)")
        tls = "yes" if p.tls or p.ca or p.cert or where.startswith("https://") else ""
        rows.append([name, where, p.user, p.db, p.describe_secret(), tls, ", ".join(in_use.get(name, []))])
    return Table(["profile", "address", "user", "database", "secret", "tls", "aliases"], rows,
                 footer=f"({len(rows)} profile{'s' if len(rows) != 1 else ''}, from {config.path})")


def _forget_loss(ctx: ShellContext, inv: Invocation) -> str:
    name = inv.arg("NAME")
    config = context_config(ctx)
    if name not in config.names_in_file():
        raise _no_profile(config, name)
    return f"remove profile {name} from {config.path}"


def _no_profile(config: Config, name: str) -> UsageError:
    known = ", ".join(config.names_in_file()) or "none"
    return UsageError(f"no profile {name!r} in {config.path}", f"profiles: {known}")


def forget(ctx: ShellContext, inv: Invocation) -> Message:
    from ..config_file import forget_profile  # noqa: PLC0415

    name = inv.arg("NAME")
    config = context_config(ctx)
    if not forget_profile(config.path, name):
        raise _no_profile(config, name)
    ctx.config = load_config(config.path)
    return Message(f"removed profile {name} from {config.path}; connected aliases stay connected")


COMMANDS = (
    Command(
        name="save",
        changes=frozenset({Effect.PROFILES}),
        summary="Save an alias's connection settings as a profile in the config file",
        handler=save,
        positionals=(Positional("ALIAS", Kind.ALIAS, "a known alias", required=True),),
        options=(Option("--as", "the profile's name (default: the alias)", Kind.ALIAS, "NAME"),),
        examples=("save prod", "save default --as staging"),
        details=(
            "Adds or updates [connections.NAME] in the config file ($XDG_CONFIG_HOME/milvus-shell/"
            "config.toml, or --config), keeping its comments, order and other entries; the edit is made under "
            "a lock, checked, and renamed into place, and a file that cannot be edited safely (not valid "
            "TOML, [[connections]]) is left as it is, with the reason. A password or "
            "token is never written: one that came from a profile's password_env/password_file/"
            "token_env/token_file keeps that source; one typed by hand is left out, and save says how "
            "to add a password_env. A file the shell creates has mode 0600 in a 0700 folder; a "
            "symbolic link or another user's file is refused."
        ),
    ),
    Command(
        name="profiles",
        summary="List the connection profiles of the config file (never a secret: only where it comes from)",
        handler=profiles,
        options=(FORMAT_OPTION,),
        examples=("profiles", "profiles --format json"),
    ),
    Command(
        name="forget",
        changes=frozenset({Effect.PROFILES}),
        summary="Remove a profile from the config file",
        handler=forget,
        positionals=(Positional("NAME", Kind.PROFILE, "a profile's name", required=True),),
        examples=("forget staging", "forget staging --yes"),
        details=("Only the [connections.NAME] table (with any [connections.NAME.*] under it) is removed, under "
                 "the same lock and checks as save; the rest of the file stays as it is."),
        destroys=_forget_loss,
    ),
)
