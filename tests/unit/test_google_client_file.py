"""Reading credentials.json: Google's two client types accepted, anything else refused with one
sentence that says what to do, the size capped, the secret kept out of repr."""

from __future__ import annotations

import json
from typing import Any

import pytest

from slidegen.errors import InvalidInputError
from slidegen.services.exports.google_client_file import MAX_CLIENT_FILE_BYTES, parse_client_file

SECRET = "GOCSPX-unit-secret-0123456789"


def client_file(kind: str = "web", **changes: Any) -> dict[str, Any]:
    """A client file shaped as Google Cloud downloads it; `changes` set (None: drop) fields."""
    client: dict[str, Any] = {
        "client_id": "1234-abc.apps.googleusercontent.com",
        "project_id": "slidegen-test",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_secret": SECRET,
        "redirect_uris": ["https://slidegen.example.com/", "http://localhost:8501/"]
        if kind == "web"
        else ["http://localhost"],
    }
    for name, value in changes.items():
        if value is None:
            client.pop(name, None)
        else:
            client[name] = value
    return {kind: client}


def encode(data: Any) -> bytes:
    return json.dumps(data).encode()


def test_a_web_client_is_read() -> None:
    parsed = parse_client_file(encode(client_file()))
    assert (parsed.client_type, parsed.client_id) == ("web", "1234-abc.apps.googleusercontent.com")
    assert parsed.client_secret == SECRET
    assert parsed.redirect_uris == ("https://slidegen.example.com/", "http://localhost:8501/")
    assert parsed.token_uri == "https://oauth2.googleapis.com/token"
    assert SECRET not in repr(parsed)  # never in a log line or a traceback's locals


def test_an_installed_client_and_a_byte_order_mark_are_read() -> None:
    parsed = parse_client_file(b"\xef\xbb\xbf" + encode(client_file("installed")))
    assert parsed.client_type == "installed" and parsed.redirect_uris == ("http://localhost",)


def test_a_web_client_without_redirect_uris_is_read() -> None:
    assert parse_client_file(encode(client_file(redirect_uris=None))).redirect_uris == ()


BAD: list[tuple[bytes, str]] = [
    (b"", "The file is empty"),
    (b" " * (MAX_CLIENT_FILE_BYTES + 1), "too large"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b'{"web": {', "not valid JSON (line 1, column 10)"),
    (encode([client_file()]), 'no "web" or "installed" object'),
    (encode({"other": {}}), 'holds no "web" or "installed" client'),
    (encode({"type": "service_account", "private_key": "x"}), "service account key"),
    (encode(client_file() | client_file("installed")), "both a"),
    (encode({"web": "1234"}), '"web" entry is not an object'),
    (encode(client_file(client_secret=None)), "client in the file has no client_secret;"),
    (encode(client_file(client_secret="  ")), "has no client_secret;"),
    (
        encode(client_file(client_id=None, token_uri=None, auth_uri=None)),
        "has no client_id, auth_uri or token_uri;",
    ),
    (encode(client_file(client_id="![x](https://evil.example/p.png)")), "not a Google client id"),
    (encode(client_file(client_secret="s" * 2000)), "too long"),
    (encode(client_file(token_uri="file:///etc/passwd")), "token_uri is not a web address"),
    (encode(client_file(auth_uri=42)), "has no auth_uri"),
    (encode(client_file(redirect_uris="https://a.example/")), "redirect_uris are not web"),
    (encode(client_file(redirect_uris=["javascript:alert(1)"])), "redirect_uris are not web"),
]


@pytest.mark.parametrize(("content", "expected"), BAD, ids=[e for _, e in BAD])
def test_anything_else_is_refused_in_one_sentence(content: bytes, expected: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_client_file(content)
    message = caught.value.user_message
    assert expected in message
    assert message.endswith(".") and "\n" not in message and ". " not in message.rstrip(".")
    assert SECRET not in message
