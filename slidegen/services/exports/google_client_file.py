"""Reading a Google OAuth client file (`credentials.json`) as Google Cloud downloads it.

The file holds exactly one client, "web" (a Web application) or "installed" (a Desktop app),
with `client_id`, `client_secret`, `auth_uri` and `token_uri`, and for a web client usually
`redirect_uris`. Anything else is refused with one sentence saying what to do. The secret is
kept out of `repr` so it cannot reach a log by accident.
"""

from __future__ import annotations

import json
import math
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from slidegen.errors import InvalidInputError

CLIENT_TYPES = ("web", "installed")
MAX_CLIENT_FILE_BYTES = 64 * 1024  # Google's files are under 2 KB; a cap keeps junk out
REQUIRED_FIELDS = ("client_id", "client_secret", "auth_uri", "token_uri")
MAX_FIELD_CHARS = 1000
_CLIENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$")
_AGAIN = "download the client's JSON again from Google Cloud (APIs & Services, Credentials)"


@dataclass(frozen=True)
class ClientFile:
    """One OAuth client read from a credentials.json."""

    client_type: str  # "web" or "installed"
    client_id: str
    client_secret: str = field(repr=False)
    auth_uri: str
    token_uri: str
    redirect_uris: tuple[str, ...] = ()


def parse_client_file(content: bytes) -> ClientFile:
    """Check a credentials.json and return its client; refuse anything else in one sentence."""
    data = _json_object(content)
    kinds = [kind for kind in CLIENT_TYPES if kind in data]
    if len(kinds) != 1:
        raise InvalidInputError(_no_single_client(data, kinds))
    kind = kinds[0]
    client = data[kind]
    if not isinstance(client, dict):
        raise InvalidInputError(f'The file\'s "{kind}" entry is not an object; {_AGAIN}.')
    missing = [name for name in REQUIRED_FIELDS if not _text(client.get(name))]
    if missing:
        raise InvalidInputError(
            f'The "{kind}" client in the file has no {_and(missing)}; {_AGAIN}.'
        )
    client_id = str(client["client_id"]).strip()
    if not _CLIENT_ID.match(client_id):
        raise InvalidInputError(
            "The file's client_id is not a Google client id "
            "(like 1234-abc.apps.googleusercontent.com)."
        )
    if len(str(client["client_secret"])) > MAX_FIELD_CHARS:
        raise InvalidInputError("The file's client_secret is too long to be a Google secret.")
    for name in ("auth_uri", "token_uri"):
        if not _web_address(client[name]):
            raise InvalidInputError(f'The "{kind}" client\'s {name} is not a web address.')
    return ClientFile(
        client_type=kind,
        client_id=client_id,
        client_secret=str(client["client_secret"]),
        auth_uri=str(client["auth_uri"]),
        token_uri=str(client["token_uri"]),
        redirect_uris=_redirect_uris(kind, client.get("redirect_uris")),
    )


def _json_object(content: bytes) -> dict[str, Any]:
    if not content:
        raise InvalidInputError(
            "The file is empty; choose the credentials.json Google Cloud downloaded."
        )
    if len(content) > MAX_CLIENT_FILE_BYTES:
        size_kb = math.ceil(len(content) / 1024)
        raise InvalidInputError(
            f"The file is too large ({size_kb} KB) to be a Google OAuth client file "
            f"(at most {MAX_CLIENT_FILE_BYTES // 1024} KB)."
        )
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InvalidInputError("The file is not UTF-8 text, so not a credentials.json.") from None
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}); {_AGAIN}."
        ) from None
    if not isinstance(data, dict):
        raise InvalidInputError(
            'The file is JSON but not a Google OAuth client: it holds no "web" or "installed" '
            "object."
        )
    return data


def _no_single_client(data: dict[str, Any], kinds: list[str]) -> str:
    if kinds:
        return 'The file holds both a "web" and an "installed" client; upload one client.'
    if data.get("type") == "service_account":
        return (
            "This is a service account key, not an OAuth client: create an OAuth client ID "
            "(Web application) in Google Cloud and upload its JSON."
        )
    return (
        'The file holds no "web" or "installed" client: upload the JSON of an OAuth client ID '
        "(Web application or Desktop app) from Google Cloud."
    )


def _redirect_uris(kind: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(_web_address(uri) for uri in value):
        raise InvalidInputError(f'The "{kind}" client\'s redirect_uris are not web addresses.')
    return tuple(str(uri) for uri in value)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _web_address(value: Any) -> bool:
    if not isinstance(value, str) or len(value) > MAX_FIELD_CHARS or value != value.strip():
        return False
    parts = urllib.parse.urlsplit(value)
    return parts.scheme in ("https", "http") and bool(parts.hostname)


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
