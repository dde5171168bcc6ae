"""Access control: users, roles and grants (servers with authorization; Milvus Lite has none).

create user / passwd ask for new passwords twice without echo; in scripts they come from
MILVUS_NEW_PASSWORD (and MILVUS_OLD_PASSWORD for passwd). --password values are secret options:
the parser masks them in history, on screen and in errors (parser.redact).
"""

from __future__ import annotations

from typing import ContextManager

from ..context import ShellContext
from ..catalog import Grant
from ..errors import ServerError, UsageError
from ..privileges import OBJECT_TYPES, PRIVILEGES
from ..results import Message, Table
from ..session_api import ServerSession
from ..wording import NO_ACCESS_CONTROL, worded
from .spec import FORMAT_OPTION, Command, Effect, Invocation, Kind, Option, Positional

NEW_PASSWORD_ENV = "MILVUS_NEW_PASSWORD"
OLD_PASSWORD_ENV = "MILVUS_OLD_PASSWORD"


def supported(session: ServerSession, what: str, lacks: str = NO_ACCESS_CONTROL) -> ContextManager[None]:
    """Name the command in an "unsupported" failure; on Milvus Lite say what it lacks (wording.py)."""
    return worded(session, command=what, lacks=lacks)


# -- passwords -------------------------------------------------------------------------------------

def _new_password(ctx: ShellContext, user: str, given: str | None) -> str:
    """The value typed after --password; else asked twice at the terminal; else MILVUS_NEW_PASSWORD."""
    if given:
        return given
    if ctx.ask_secret is not None:
        first = ctx.ask_secret(f"New password for {user}: ")
        if not first:
            raise UsageError("no password given; nothing changed")
        if ctx.ask_secret(f"Again, to be sure: ") != first:
            raise UsageError("the two passwords differ; nothing changed")
        return first
    from_env = ctx.environ.get(NEW_PASSWORD_ENV, "")
    if not from_env:
        raise UsageError(f"a new password is needed and there is no terminal to ask on",
                         f"give --password VALUE, or set {NEW_PASSWORD_ENV} in the environment")
    return from_env


def _old_password(ctx: ShellContext, user: str) -> str:
    if ctx.ask_secret is not None:
        old = ctx.ask_secret(f"Current password of {user}: ")
        if not old:
            raise UsageError("no password given; nothing changed")
        return old
    old = ctx.environ.get(OLD_PASSWORD_ENV, "")
    if not old:
        raise UsageError("passwd needs the current password and there is no terminal to ask on",
                         f"set {OLD_PASSWORD_ENV} and {NEW_PASSWORD_ENV} in the environment")
    return old


# -- users -----------------------------------------------------------------------------------------

def create_user(ctx: ShellContext, inv: Invocation) -> Message:
    session = ctx.session()
    name = inv.arg("NAME")
    with supported(session, "create user"):
        if session.user_exists(name):  # before asking for a password it would throw away
            raise UsageError(f"user {name!r} already exists", f"passwd {name} changes its password")
        session.create_user(name, _new_password(ctx, name, inv.opt("password")))
    return Message(f"created user {name}; grant role ROLE to {name} gives it privileges")


def passwd(ctx: ShellContext, inv: Invocation) -> Message:
    alias, session = ctx.active()
    settings = ctx.registry.settings(alias)
    own = settings.user if settings is not None and settings.user else ""
    name = inv.arg("USER") or own
    if not name:
        raise UsageError("this connection has no user name", "name one: passwd USER")
    with supported(session, "passwd"):
        if not session.user_exists(name):  # before asking for passwords: a typo, or Milvus Lite
            raise ServerError(f"user {name!r} not found", "user-not-found", "show users lists them")
        old = _old_password(ctx, name)
        new = _new_password(ctx, name, None)
        session.update_password(name, old, new)
    if name == own and settings is not None and settings.password:
        # The open channel still sends the old password: reconnect with the new one.
        ctx.registry.disconnect(alias)
        ctx.registry.connect(alias, settings.with_changes(password=new))
        return Message(f"changed the password of {name}; {alias} reconnected with it")
    return Message(f"changed the password of {name}")


def drop_user_loss(ctx: ShellContext, inv: Invocation) -> str:
    name = inv.arg("NAME")
    session = ctx.session()
    with supported(session, "drop user"):
        roles = dict(session.list_users())
    if name not in roles:
        raise ServerError(f"user {name!r} not found", "user-not-found", "show users lists them")
    held = f"roles: {', '.join(roles[name])}" if roles[name] else "no roles"
    return f"drop user {name!r} ({held}; it can no longer log in)"


def drop_user(ctx: ShellContext, inv: Invocation) -> Message:
    session = ctx.session()
    name = inv.arg("NAME")
    with supported(session, "drop user"):
        session.drop_user(name)
    return Message(f"dropped user {name}")


def show_users(ctx: ShellContext, inv: Invocation) -> Table:
    session = ctx.session()
    with supported(session, "users"):
        users = session.list_users()
    return Table(["user", "roles"], [[u, ", ".join(r)] for u, r in users])


# -- roles -----------------------------------------------------------------------------------------

def create_role(ctx: ShellContext, inv: Invocation) -> Message:
    session = ctx.session()
    name = inv.arg("NAME")
    with supported(session, "create role"):
        session.create_role(name)
    return Message(f"created role {name}; grant PRIVILEGE on OBJECT_TYPE NAME to {name} gives it privileges")


def _grant_text(g: Grant) -> str:
    """'Query on Collection books' (and the database when it is not the default)."""
    where = f" in database {g.database}" if g.database not in ("", "*", "default") else ""
    return f"{g.privilege} on {g.object_type} {g.object_name}{where}"


def drop_role_loss(ctx: ShellContext, inv: Invocation) -> str:
    name = inv.arg("NAME")
    session = ctx.session()
    with supported(session, "drop role"):
        grants = session.list_grants(name)
        members = dict(session.role_members()).get(name, [])
    who = f"held by {', '.join(members)}" if members else "held by no user"
    if grants and not inv.opt("force"):  # the server would refuse: say so before asking
        count = f"{len(grants)} grant{'s' if len(grants) != 1 else ''}"
        raise ServerError(
            f"role {name!r} still holds {count} ({'; '.join(_grant_text(g) for g in grants)}), and the server "
            "refuses to drop a role that does; nothing changed", "role-has-grants",
            f"drop role {name} --force revokes them, then drops it; show grants {name} lists them")
    if grants:
        return (f"revoke the {len(grants)} grants of role {name!r} ({'; '.join(_grant_text(g) for g in grants)}), "
                f"then drop it ({who})")
    return f"drop role {name!r} (no grants; {who})"


def drop_role(ctx: ShellContext, inv: Invocation) -> Message:
    session = ctx.session()
    name = inv.arg("NAME")
    revoked = 0
    with supported(session, "drop role"):
        if inv.opt("force"):
            for g in session.list_grants(name):
                session.revoke_privilege(name, g.object_type, g.privilege, g.object_name, g.database)
                revoked += 1
        session.drop_role(name)
    if revoked:
        return Message(f"revoked {revoked} grant{'s' if revoked != 1 else ''} of role {name}, then dropped it")
    return Message(f"dropped role {name}")


def show_roles(ctx: ShellContext, inv: Invocation) -> Table:
    session = ctx.session()
    with supported(session, "roles"):
        roles = session.role_members()
    return Table(["role", "users"], [[r, ", ".join(users)] for r, users in roles])


def grant_role(ctx: ShellContext, inv: Invocation) -> Message:
    session = ctx.session()
    role, user = inv.arg("ROLE"), inv.arg("USER")
    with supported(session, "grant role"):
        session.grant_role(user, role)
    return Message(f"user {user} now has role {role}")


def revoke_role(ctx: ShellContext, inv: Invocation) -> Message:
    session = ctx.session()
    role, user = inv.arg("ROLE"), inv.arg("USER")
    with supported(session, "revoke role"):
        session.revoke_role(user, role)
    return Message(f"user {user} no longer has role {role}")


# -- privileges ------------------------------------------------------------------------------------

def grant(ctx: ShellContext, inv: Invocation) -> Message:
    session = ctx.session()
    privilege, object_type, name = inv.arg("PRIVILEGE"), inv.arg("OBJECT_TYPE"), inv.arg("NAME")
    role, database = inv.arg("ROLE"), inv.opt("db") or ""
    with supported(session, "grant"):
        session.grant_privilege(role, object_type, privilege, name, database)
    where = f" in database {database}" if database else ""
    return Message(f"role {role} may now {privilege} on {object_type} {name}{where}")


def revoke(ctx: ShellContext, inv: Invocation) -> Message:
    """Revoke what the role holds on the object: the privilege named, or with * every one it holds
    there (Milvus stores * as a privilege of its own: revoking * takes away only a grant of *)."""
    session = ctx.session()
    privilege, object_type, name = inv.arg("PRIVILEGE"), inv.arg("OBJECT_TYPE"), inv.arg("NAME")
    role, database = inv.arg("ROLE"), inv.opt("db") or ""
    in_db = database or session.database or "default"
    where = f" in database {database}" if database else ""
    target = f"{object_type} {name}{where}"
    with supported(session, "revoke"):
        try:
            grants = session.list_grants(role)
        except ServerError as exc:
            if exc.kind != "denied" or privilege == "*":
                raise
            # This user may revoke but not read grants: the privilege goes as named, unchecked.
            session.revoke_privilege(role, object_type, privilege, name, database)
            return Message(f"role {role} may no longer {privilege} on {target}")
        held = [g for g in grants
                if g.object_type == object_type and g.object_name == name and g.database in (in_db, "*")]
        if privilege == "*":
            chosen = held
        else:
            chosen = [g for g in held if g.privilege == privilege]
        if not chosen:
            holds = ", ".join(g.privilege for g in held)
            raise ServerError(
                f"role {role!r} {'holds no privilege' if privilege == '*' else 'does not hold ' + privilege} on "
                f"{target}; nothing revoked", "not-granted",
                (f"it holds {holds} there; revoke * on {target} from {role} revokes them all" if held
                 else f"show grants {role} lists what it holds"))
        for g in chosen:
            session.revoke_privilege(role, object_type, g.privilege, name, database or g.database)
    names = ", ".join(g.privilege for g in chosen)
    return Message(f"role {role} may no longer {names} on {target}"
                   + (f" ({len(chosen)} grants revoked)" if len(chosen) > 1 else ""))


def show_grants(ctx: ShellContext, inv: Invocation) -> Table:
    session = ctx.session()
    with supported(session, "show grants"):
        roles = [inv.arg("ROLE")] if inv.arg("ROLE") else [r for r, _ in session.role_members()]
        grants = [g for role in roles for g in session.list_grants(role)]
    rows = [[g.role, g.object_type, g.object_name, g.privilege, g.database, g.grantor] for g in grants]
    footer = "" if rows else f"(no grants{' for role ' + roles[0] if len(roles) == 1 else ''})"
    return Table(["role", "object type", "object", "privilege", "database", "grantor"], rows, footer=footer)


def _word(name: str, help: str) -> Positional:
    """A fixed word of the syntax (on, to, from): completed, colored and checked like a choice."""
    return Positional(name, Kind.CHOICE, help, required=True, choices=(name,))


_USER = Positional("USER", Kind.WORD, "a user name", required=True)
_ROLE = Positional("ROLE", Kind.WORD, "a role name", required=True)
_NEW_PASSWORD = Option("--password", "the new user's password; with no value it is asked twice without echo",
                       Kind.SECRET, "PASSWORD", value_optional=True)
_PRIVILEGE_ARGS = (
    Positional("PRIVILEGE", Kind.CHOICE, "a privilege (Query, Search, Insert, ... or * for all)",
               required=True, choices=PRIVILEGES),
    _word("on", "the word on"),
    Positional("OBJECT_TYPE", Kind.CHOICE, "Collection, Global or User", required=True, choices=OBJECT_TYPES),
    Positional("NAME", Kind.COLLECTION, "the object: a collection, a user, or * for every one",
               required=True, keywords=("*",)),
)
_DB_OPTION = Option("--db", "the database the object is in (default: the connection's)", Kind.DATABASE, "DB")

COMMANDS = (
    Command(
        name="create user",
        summary="Create a user with a password",
        handler=create_user,
        positionals=(Positional("NAME", Kind.WORD, "the new user's name", required=True, accepts="new"),),
        options=(_NEW_PASSWORD,),
        examples=("create user alice --password", "create user alice"),
        details=(f"Without a value the password is asked twice without echo; a script gives a value or sets "
                 f"{NEW_PASSWORD_ENV}. The password never reaches the history (it is kept as ***)."),
        changes=frozenset({Effect.USERS}),
    ),
    Command(
        name="passwd",
        summary="Change a user's password (default: the connection's user)",
        handler=passwd,
        positionals=(Positional("USER", Kind.WORD, "whose password (default: the connection's user)"),),
        examples=("passwd", "passwd alice"),
        details=(f"Asks for the current password, then the new one twice, without echo; a script sets "
                 f"{OLD_PASSWORD_ENV} and {NEW_PASSWORD_ENV}. Changing your own password reconnects with it."),
        changes=frozenset({Effect.USERS}),
    ),
    Command(
        name="drop user",
        summary="Delete a user",
        handler=drop_user,
        positionals=(Positional("NAME", Kind.WORD, "a user", required=True),),
        examples=("drop user alice", "drop user alice --yes"),
        changes=frozenset({Effect.USERS}),
        destroys=drop_user_loss,
    ),
    Command(
        name="show users",
        summary="Users and their roles (servers with authorization)",
        handler=show_users,
        options=(FORMAT_OPTION,),
        examples=("show users",),
    ),
    Command(
        name="create role",
        summary="Create a role (then grant it privileges, and grant it to users)",
        handler=create_role,
        positionals=(Positional("NAME", Kind.WORD, "the new role's name", required=True, accepts="new"),),
        examples=("create role reader",),
        changes=frozenset({Effect.ROLES}),
    ),
    Command(
        name="drop role",
        summary="Delete a role",
        handler=drop_role,
        positionals=(Positional("NAME", Kind.WORD, "a role", required=True),),
        options=(Option("--force", "revoke the role's grants first (the server drops only a role without grants)"),),
        examples=("drop role reader", "drop role reader --yes", "drop role reader --force --yes"),
        details=("Milvus refuses to drop a role that still holds grants: the shell names them before asking; "
                 "--force revokes them, then drops the role (show grants ROLE lists them)."),
        changes=frozenset({Effect.ROLES}),
        destroys=drop_role_loss,
    ),
    Command(
        name="show roles",
        summary="Roles and the users who have them",
        handler=show_roles,
        options=(FORMAT_OPTION,),
        examples=("show roles",),
    ),
    Command(
        name="grant role",
        summary="Give a user a role",
        handler=grant_role,
        positionals=(_ROLE, _word("to", "the word to"), _USER),
        examples=("grant role reader to alice",),
        changes=frozenset({Effect.USERS}),
    ),
    Command(
        name="revoke role",
        summary="Take a role from a user",
        handler=revoke_role,
        positionals=(_ROLE, _word("from", "the word from"), _USER),
        examples=("revoke role reader from alice",),
        changes=frozenset({Effect.USERS}),
    ),
    Command(
        name="grant",
        summary="Let a role use a privilege on an object",
        handler=grant,
        positionals=_PRIVILEGE_ARGS + (_word("to", "the word to"), _ROLE),
        options=(_DB_OPTION,),
        examples=("grant Query on Collection books to reader", "grant Search on Collection * to reader",
                  "grant ShowCollections on Global * to reader", "grant Query on Collection books to reader --db shop"),
        details="Privilege names and object types are completed with Tab; a typo gets a did-you-mean.",
        changes=frozenset({Effect.ROLES}),
    ),
    Command(
        name="revoke",
        summary="Take a privilege on an object from a role",
        handler=revoke,
        positionals=_PRIVILEGE_ARGS + (_word("from", "the word from"), _ROLE),
        options=(_DB_OPTION,),
        examples=("revoke Query on Collection books from reader", "revoke * on Collection books from reader"),
        details=("* revokes every privilege the role holds on that object (a grant of * among them); a "
                 "privilege the role does not hold there is refused in words, nothing revoked."),
        changes=frozenset({Effect.ROLES}),
    ),
    Command(
        name="show grants",
        summary="The privileges a role holds (default: every role's)",
        handler=show_grants,
        positionals=(Positional("ROLE", Kind.WORD, "a role (default: all roles)"),),
        options=(FORMAT_OPTION,),
        examples=("show grants reader", "show grants"),
    ),
)
