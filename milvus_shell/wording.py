"""Where a server's failures become the shell's words: one function, ``reword``, given what the call
was about (a ``Context``). The backend translates pymilvus and gRPC failures into ServerError kinds
(backend/__init__.py); everything said about them with a collection, a partition, a filter, a role or
a command in mind is said here. The server's own reason stays in every "not supported" and "refused"
message, and the exception chain is kept (``raise better from exc``).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, NoReturn

from .errors import ServerError

if TYPE_CHECKING:
    from .catalog import ServerCapabilities

# MilvusException codes, measured on Milvus 2.3.5 and Milvus Lite 3.2.2. Lite says 1 or 6 where
# Milvus says 800 (database not found), and 6 where Milvus says 65535 (bad filter expression).
_MILVUS_KINDS = {100: "collection-not-found", 101: "not-loaded", 800: "database-not-found"}
_PARTITION_NOT_FOUND = "milvus-200"  # the same on Milvus 2.3.5 and Milvus Lite

# Failures that mean the server did not answer: only these mark a connection lost (status.py).
NO_ANSWER_KINDS = frozenset({"unavailable", "timeout", "closed", "refused"})

NO_ACCESS_CONTROL = "it has no users, roles or authentication"


def milvus_kind(code: Any, low_message: str) -> str:
    """A stable name for a MilvusException's code (``reword`` reads these)."""
    if code in _MILVUS_KINDS:
        return _MILVUS_KINDS[code]
    if "database" in low_message and ("does not exist" in low_message or "not found" in low_message):
        return "database-not-found"
    return f"milvus-{code}"


def looks_unsupported(low_message: str) -> bool:
    """A MilvusException saying the server lacks a feature (not: a filter compares what it cannot)."""
    if "unimplemented" in low_message or "unknown method" in low_message:
        return True
    return "not supported" in low_message and "expression" not in low_message


def not_supported(server: str, reason: str) -> str:
    """'not supported by this server (Milvus v2.3.5): <the server's reason>'."""
    reason = reason.strip()
    return f"not supported by this server ({server})" + (f": {reason}" if reason else "")


def server_shown(session: Any) -> str:
    """How an error names the server of ``session``: its version, else its address."""
    server: ServerCapabilities | None = getattr(session, "server", None)
    if server is not None and server.version_text:
        return server.label
    return str(session.address)


@dataclass(frozen=True)
class Context:
    """What a failed call was about; each field adds the phrases that go with it.

    collection, filter_expr: not found, not loaded, denied on it, bad filter expression.
    partition, verb (insert, upsert, delete): a refused write. action, hint: 'the server refused to
    <action>: <reason>'. names: (kind, name) pairs, 'role 'r' not found'. held: a role's grants, named
    when they block its drop. command, lacks: an unsupported call names the command (and what Milvus
    Lite lacks). after: what had been done by then, added to any message. dropping: what a drop
    refused while the collection is loaded was for.
    """

    collection: str = ""
    filter_expr: str = ""
    partition: str = ""
    verb: str = ""
    action: str = ""
    hint: str | None = None
    names: tuple[tuple[str, str], ...] = ()
    held: tuple[str, ...] = ()
    command: str = ""
    lacks: str = ""
    after: str = ""
    dropping: tuple[str, str] | None = None  # ('index', NAME): a drop the server refuses while loaded


def reword(exc: ServerError, where: Context, session: Any = None) -> ServerError:
    """``exc`` in the words of ``where``; ``exc`` itself when nothing in ``where`` applies.
    ``session`` (its server, database and address) is needed by all but ``after``."""
    better = exc
    for rule in (_while_loaded, _named, _written, _about_collection, _refused, _unsupported):
        found = rule(better, where, session)
        if found is not None:
            better = found
            break
    if where.after:
        better = ServerError(f"{better.message}{where.after}", better.kind, better.hint)
    return better


def reraise(exc: ServerError, where: Context, session: Any = None) -> NoReturn:
    """Raise ``exc`` reworded, chained to it (call inside its ``except`` block)."""
    better = reword(exc, where, session)
    if better is exc:
        raise exc
    raise better from exc


@contextmanager
def worded(session: Any, **where: Any) -> Iterator[None]:
    """Reword the ServerErrors of the calls inside, with ``Context(**where)``."""
    context = Context(**where)  # made before the calls: a misnamed field fails at once, not on a failure
    try:
        yield
    except ServerError as exc:
        reraise(exc, context, session)


# -- the rules, tried in this order; each returns None when it does not apply --------------------------

def _database(session: Any) -> str:
    return getattr(session, "database", "") or "default"


def _while_loaded(exc: ServerError, where: Context, session: Any) -> ServerError | None:
    low = exc.message.lower()
    if not where.dropping or "loaded" not in low or "release" not in low:
        return None
    kind, name = where.dropping
    return ServerError(f"{kind} {name!r} cannot be dropped while {where.collection!r} is loaded (the server "
                       "refuses)", "loaded", f"release {where.collection} first, then drop {kind} {where.collection} {name}")


def _named(exc: ServerError, where: Context, session: Any) -> ServerError | None:
    low = exc.message.lower()
    if "old password not correct" in low and where.names:
        return ServerError(f"the old password of {where.names[0][1]!r} is not correct; nothing changed", "auth")
    for kind, name in where.names:
        if f"not found the {kind}" in low or f"{kind} not found" in low:
            return ServerError(f"{kind} {name!r} not found", f"{kind}-not-found", f"show {kind}s lists them")
        if "already exist" in low:
            return ServerError(f"{kind} {name!r} already exists", f"{kind}-exists")
        if kind == "database" and "not empty" in low:
            return ServerError(f"database {name!r} still holds collections: the server drops only an empty "
                               "database", "not-empty", f"use database {name}; show collections; drop each one first")
        if kind == "role" and "has privileges" in low:  # Milvus: "fail to drop the role that it has privileges"
            grants = f" ({', '.join(where.held)})" if where.held else ""
            count = f"{len(where.held)} grant{'s' if len(where.held) != 1 else ''}" if where.held else "grants"
            return ServerError(
                f"role {name!r} still holds {count}{grants}, and the server refuses to drop a role that does "
                f"(it said: {_first_sentence(exc.message)}); nothing changed", "role-has-grants",
                f"drop role {name} --force revokes them, then drops it; show grants {name} lists them")
    return None


def _written(exc: ServerError, where: Context, session: Any) -> ServerError | None:
    """A refused insert, upsert or delete."""
    if not where.verb:
        return None
    message, low, collection = exc.message, exc.message.lower(), where.collection
    shown = server_shown(session)
    if exc.kind == _PARTITION_NOT_FOUND or "partition not found" in low:
        return ServerError(f"partition {where.partition!r} not found in collection {collection!r}",
                           "partition-not-found", f"show partitions {collection} lists them")
    if exc.kind == "not-loaded" and where.verb == "delete":
        return ServerError(f"collection {collection!r} is not loaded: {shown} deletes by a "
                           "filter only in a loaded collection", exc.kind,
                           f"load {collection} first, or delete by primary key: delete {collection} --ids ID ...")
    if "number of fields is less than needed" in low:  # Milvus 2.3.5, given an auto id's value
        return ServerError(f"{shown} refused the rows: collection {collection!r} assigns its "
                           f"own ids (auto id), so a row cannot give one" + (
                               "; this server cannot upsert into such a collection" if where.verb == "upsert" else ""),
                           "auto-id")
    if (where.verb == "delete" and where.filter_expr and "expr" in low
            and exc.kind not in ("not-loaded", "collection-not-found")):
        return ServerError(f"bad filter expression {where.filter_expr!r}: {message}", "bad-filter")
    field = _field_named(message) if where.verb != "delete" else None
    if field and exc.kind != "collection-not-found":
        return ServerError(f"{shown} refused the rows: field {field!r}: {_detail(message)}", "bad-row")
    if where.verb != "delete" and exc.kind.startswith("milvus-"):
        return ServerError(f"{shown} refused the rows: {message}", "bad-row")
    return None


def _about_collection(exc: ServerError, where: Context, session: Any) -> ServerError | None:
    collection = where.collection
    if not collection:
        return None
    if exc.kind == "collection-not-found":
        return ServerError(f"collection {collection!r} not found in database {_database(session)!r}",
                           exc.kind, "show collections lists the collections there")
    if exc.kind == "not-loaded":
        return ServerError(f"collection {collection!r} is not loaded, so it cannot be searched or queried",
                           exc.kind, f"load it first: load {collection}")
    if exc.kind == "denied" and "lacks the" in exc.message and " on collection " not in exc.message:
        return ServerError(f"{exc.message} on collection {collection!r} (database {_database(session)!r})",
                           exc.kind, exc.hint and exc.hint.replace("COLLECTION", collection))
    if where.filter_expr and _about_expression(exc.message):
        reason = _expression_reason(exc.message)
        gap = "" if reason.startswith("\n") else " "
        return ServerError(f"bad filter expression {where.filter_expr!r}:{gap}{reason}", "bad-filter")
    return None


def _refused(exc: ServerError, where: Context, session: Any) -> ServerError | None:
    """'the server refused to <action>: <its reason>': the server answered, so nothing is lost."""
    if where.action and (exc.kind == "server" or exc.kind.startswith("milvus-")):
        return ServerError(f"the server refused to {where.action}: {exc.message}", "rejected",
                           where.hint or exc.hint)
    return None


def _unsupported(exc: ServerError, where: Context, session: Any) -> ServerError | None:
    """Name the command in an "unsupported" failure; on Milvus Lite say what it lacks."""
    if exc.kind != "unsupported" or not where.command:
        return None
    server: ServerCapabilities | None = getattr(session, "server", None)
    if server is not None and server.is_lite and where.lacks:
        return ServerError(f"{where.command}: not supported by Milvus Lite ({where.lacks})", exc.kind)
    return ServerError(f"{where.command}: {exc.message}", exc.kind, exc.hint)


# -- reading the server's messages ---------------------------------------------------------------------

_EXPRESSION_WORDS = ("expression", "parse", "token", "column", "operand", "literal", "identifier",
                     "incompatible", "unknown function", "comparison")


def _about_expression(message: str) -> bool:
    low = message.lower()
    return any(w in low for w in _EXPRESSION_WORDS)


def _expression_reason(message: str) -> str:
    """The server's reason without its boilerplate (Milvus 2.3.5 repeats the expression)."""
    text = re.sub(r"^failed to create query plan: ", "", message.strip())
    m = re.match(r"cannot parse expression: .*?, error: (.*)$", text, re.S)
    if m:
        text = m.group(1)
    if "\n" in text:  # Milvus Lite draws a caret under the column: keep it, indented
        text = "\n" + "\n".join("  " + line for line in text.splitlines())
    return text


def _field_named(message: str) -> str | None:
    for pattern in (r"field '([^']+)'", r"field `([^`]+)`", r"\{([^}]+)\} field"):
        m = re.search(pattern, message)
        if m:
            return m.group(1)
    return None


def _detail(message: str) -> str:
    m = re.search(r"Detail: (.*)$", message)
    return m.group(1) if m else message


def _first_sentence(message: str) -> str:
    """'fail to drop the role that it has privileges' of '…privileges. Use REVOKE API to …'."""
    text = message.strip()
    cut = text.find(". ")
    return text[:cut] if cut > 0 else text.rstrip(".")
