"""The words the first prompt already needs (the settings are typed by them, a config file's profiles
are named by them): output formats, value kinds, the spelling of an alias. Kept apart from commands/spec.py, whose declarations are built after the first paint."""

from __future__ import annotations

import enum
import re

# How an alias (and a profile, its config-file counterpart) is spelled.
ALIAS_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")

# The output formats: `set format`, and --format of every command that prints rows.
FORMATS = ("table", "vertical", "json", "csv")


class Kind(enum.Enum):
    """What sort of value a word is; each has one entry in kinds.KINDS."""

    WORD = "word"
    ALIAS = "alias"
    PROFILE = "profile"  # a profile's name: a [connections.NAME] table of the config file
    ADDRESS = "address"
    PATH = "path"
    NUMBER = "number"  # a positive number (seconds)
    INTEGER = "integer"  # ASCII digits, within the parameter's bounds
    SECRET = "secret"
    COMMAND = "command"
    CHOICE = "choice"  # one of the parameter's choices
    TEXT = "text"  # free text; a repeated TEXT positional is the rest of the line exactly as typed
    JSON = "json"  # a JSON value, parsed
    VECTORS = "vectors"  # a JSON list of numbers, or a list of such lists: finite, float32-sized
    QUERY_VECTOR = "query vector"  # [FIELD=]JSON: dense, sparse ({"3": 0.5}) or binary (hex) vectors
    QUERY_TEXT = "query text"  # [FIELD=]WORDS: words for a full-text (BM25) search
    FLOAT = "float"  # a finite number, any sign
    # Names on the server, completed from the metadata cache (milvus_shell/metadata.py).
    DATABASE = "database"
    COLLECTION = "collection"
    FIELD = "field"  # also a comma-separated list of fields (--fields a,b)
    PARTITION = "partition"
    INDEX = "index"
    # A fixed vocabulary.
    SWITCH = "switch"  # on, off (also true/false, yes/no): converts to a bool
