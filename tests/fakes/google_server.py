"""A fake Google on 127.0.0.1: the OAuth token endpoint and the Slides v1 API, recording requests.

The real google-auth and google-api-python-client talk to it over HTTP (the client is built from
the library's static discovery document with `client_options={"api_endpoint": base_url}`).

- `POST /token`: `authorization_code` (a code made by `issue_code` or by the consent page, once)
  and `refresh_token` grants; a revoked refresh token gets `400 invalid_grant`, as Google answers.
  Once a client is registered (`register_client`), every exchange and refresh must carry a known
  client's id and secret (else `401 invalid_client`), a code from the consent page only works
  for the client and redirect URI it was issued to, and a refresh token only for its client.
- `GET /auth`: the consent page, as if the user agreed at once: a registered client and one of
  its redirect URIs get a 302 back to that URI with a fresh `code` and the `state`; anything else
  an error page (`invalid_client`, `redirect_uri_mismatch`), as Google shows.
- `POST /v1/presentations`, `GET /v1/presentations/{id}`, `POST /v1/presentations/{id}:batchUpdate`:
  presentations kept in memory with their slides and each slide's speaker-notes shape; requests
  need a live access token (else 401) and are checked like Google checks them (unknown object
  ids, duplicate ids, empty insertText, a text range outside the shape's or cell's text counted
  in UTF-16 units: 400; one bad request fails the whole batch). `createSheetsChart` needs a
  valid new object id on a known slide, a spreadsheet the same grant created and a chart in it
  (tests/fakes/google_sheets: `FakeSheets`), and a known linking mode.
- `/v4/spreadsheets...`: the Sheets API, served by `sheets` (tests/fakes/google_sheets).
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fakes.google_sheets import FakeSheets

_PRESENTATION = re.compile(r"^/v1/presentations/([A-Za-z0-9_-]+)(:batchUpdate)?$")


@dataclass
class Recorded:
    method: str
    path: str
    body: Any
    authorization: str | None


@dataclass
class _Slide:
    object_id: str
    notes_id: str
    notes_text: str = ""
    elements: set[str] = field(default_factory=set)
    text_lengths: dict[str, int] = field(default_factory=dict)  # UTF-16 units per shape or cell


@dataclass
class _Presentation:
    presentation_id: str
    title: str
    owner_grant: str  # drive.file: a grant reaches only the files it created
    slides: list[_Slide] = field(default_factory=list)


class _BadRequest(Exception):
    pass


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _text_key(body: dict[str, Any]) -> str:
    cell = body.get("cellLocation")
    where = f"{cell.get('rowIndex', 0)},{cell.get('columnIndex', 0)}" if cell else ""
    return f"{body['objectId']}@{where}"


class FakeGoogle:
    """The fake server; `start()` it, read `requests`, `token_requests` and `presentations`."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.presentations: dict[str, _Presentation] = {}
        self._codes: dict[str, str] = {}  # code -> refresh token it grants
        self._refresh: dict[str, bool] = {}  # refresh token -> revoked
        self._access: dict[str, str] = {}  # access token -> refresh token
        self._clients: dict[str, tuple[str, tuple[str, ...]]] = {}  # id -> (secret, redirects)
        self._code_client: dict[str, tuple[str, str]] = {}  # consent code -> (client, redirect)
        self._refresh_client: dict[str, str] = {}  # refresh token -> the client it was granted to
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.fail_batch_update_with: int | None = None  # an HTTP status to answer batchUpdate
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.sheets = FakeSheets()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeGoogle:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- OAuth ---------------------------------------------------------------------------
    def issue_code(self) -> str:
        """A one-time authorisation code, as Google puts on the redirect after consent."""
        with self._lock:
            n = next(self._ids)
            self._codes[f"code-{n}"] = f"refresh-{n}"
            self._refresh[f"refresh-{n}"] = False
        return f"code-{n}"

    def register_client(
        self, client_id: str, client_secret: str, redirect_uris: tuple[str, ...] = ()
    ) -> None:
        """Know this OAuth client: from now on the token endpoint checks clients as Google does."""
        with self._lock:
            self._clients[client_id] = (client_secret, tuple(redirect_uris))

    def consent(self, query: dict[str, str]) -> tuple[int, str]:
        """The consent page's answer: (302, where to) for a good request, else (status, error)."""
        client = self._clients.get(query.get("client_id", ""))
        if client is None:
            return 401, "Error 401: invalid_client (The OAuth client was not found.)"
        redirect = query.get("redirect_uri", "")
        if redirect not in client[1]:
            return 400, "Error 400: redirect_uri_mismatch"
        code = self.issue_code()
        with self._lock:
            self._code_client[code] = (query["client_id"], redirect)
        back = {"code": code, "state": query.get("state", ""), "scope": query.get("scope", "")}
        joiner = "&" if urllib.parse.urlsplit(redirect).query else "?"
        return 302, f"{redirect}{joiner}{urllib.parse.urlencode(back)}"

    @property
    def consents(self) -> list[Recorded]:
        return [r for r in self.requests if r.path == "/auth"]

    def revoke(self, refresh_token: str) -> None:
        """Revoke a grant: its refresh token and every access token from it stop working."""
        with self._lock:
            self._refresh[refresh_token] = True
            for access, refresh in list(self._access.items()):
                if refresh == refresh_token:
                    del self._access[access]

    def expire_access_tokens(self) -> None:
        """Every access token stops working (as after an hour); refresh tokens still work."""
        with self._lock:
            self._access.clear()

    @property
    def token_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path == "/token"]

    @property
    def batch_updates(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith(":batchUpdate")]

    def _token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            grant, client_id = form.get("grant_type"), form.get("client_id", "")
            known = self._clients.get(client_id)
            if self._clients and (known is None or known[0] != form.get("client_secret")):
                return 401, {"error": "invalid_client", "error_description": "Unauthorized"}
            if grant == "authorization_code":
                code = form.get("code", "")
                refresh = self._codes.pop(code, None)
                bound = self._code_client.pop(code, None)
                if refresh is None:
                    return 400, {"error": "invalid_grant", "error_description": "Bad code."}
                if bound and bound != (client_id, form.get("redirect_uri")):
                    return 400, {"error": "redirect_uri_mismatch"}
                if self._clients:
                    self._refresh_client[refresh] = client_id
            elif grant == "refresh_token":
                refresh = form.get("refresh_token", "")
                if self._refresh.get(refresh, True):
                    return 400, {
                        "error": "invalid_grant",
                        "error_description": "Token has been expired or revoked.",
                    }
                if self._refresh_client.get(refresh, client_id) != client_id:
                    return 400, {"error": "unauthorized_client"}
            else:
                return 400, {"error": "unsupported_grant_type"}
            access = f"access-{next(self._ids)}"
            self._access[access] = refresh
        answer = {"access_token": access, "expires_in": 3599, "token_type": "Bearer"}
        answer["scope"] = "https://www.googleapis.com/auth/presentations"
        if grant == "authorization_code":
            answer["refresh_token"] = refresh
        return 200, answer

    # --- Slides --------------------------------------------------------------------------
    def _authorised(self, header: str | None) -> str | None:
        """The grant (refresh token) behind a live access token, or None."""
        token = (header or "").removeprefix("Bearer ").strip()
        with self._lock:
            return self._access.get(token)

    def _create(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            n = next(self._ids)
            pid = f"pres{n}"
            first = _Slide(f"p{n}", f"p{n}_notes")
            self.presentations[pid] = _Presentation(pid, body.get("title", ""), token, [first])
            return self._describe(self.presentations[pid])

    def _describe(self, pres: _Presentation) -> dict[str, Any]:
        slides = [
            {
                "objectId": s.object_id,
                "slideProperties": {
                    "notesPage": {"notesProperties": {"speakerNotesObjectId": s.notes_id}}
                },
            }
            for s in pres.slides
        ]
        return {"presentationId": pres.presentation_id, "title": pres.title, "slides": slides}

    def _batch_update(self, pres: _Presentation, requests: list[dict[str, Any]]) -> dict[str, Any]:
        with self._lock:
            slides = [
                _Slide(s.object_id, s.notes_id, s.notes_text, set(s.elements), dict(s.text_lengths))
                for s in pres.slides
            ]
            replies = [self._apply(slides, request, pres.owner_grant) for request in requests]
            pres.slides = slides  # all or nothing, like Google
        return {"presentationId": pres.presentation_id, "replies": replies}

    def _apply(
        self, slides: list[_Slide], request: dict[str, Any], grant: str = ""
    ) -> dict[str, Any]:
        ((kind, body),) = request.items()
        ids = {s.object_id for s in slides} | {e for s in slides for e in s.elements}
        ids |= {s.notes_id for s in slides}
        object_id = body.get("objectId")
        if kind == "createSheetsChart":
            return self._sheets_chart(slides, ids, body, grant)
        if kind == "createSlide":
            if object_id in ids:
                raise _BadRequest(f"The object ({object_id}) already exists.")
            slides.append(_Slide(object_id, f"{object_id}_notes"))
            return {"createSlide": {"objectId": object_id}}
        if kind == "deleteObject":
            if object_id not in ids:
                raise _BadRequest(f"The object ({object_id}) could not be found.")
            slides[:] = [s for s in slides if s.object_id != object_id]
            return {}
        if kind in ("createShape", "createTable"):
            page = body["elementProperties"]["pageObjectId"]
            owner = next((s for s in slides if s.object_id == page), None)
            if owner is None or object_id in ids:
                raise _BadRequest(f"Invalid page {page} or duplicate id {object_id}.")
            owner.elements.add(object_id)
            return {kind: {"objectId": object_id}}
        if kind == "insertText":
            if not body.get("text"):
                raise _BadRequest("Invalid requests[insertText]: text must not be empty.")
            notes = next((s for s in slides if s.notes_id == object_id), None)
            if notes is not None:
                notes.notes_text += body["text"]
                return {}
            owner = next((s for s in slides if object_id in s.elements), None)
            if owner is None:
                raise _BadRequest(f"The object ({object_id}) could not be found.")
            where = _text_key(body)
            if body.get("insertionIndex", 0) > owner.text_lengths.get(where, 0):
                raise _BadRequest("insertionIndex beyond the end of the text.")
            owner.text_lengths[where] = owner.text_lengths.get(where, 0) + _utf16(body["text"])
            return {}
        if object_id is not None and object_id not in ids:
            raise _BadRequest(f"The object ({object_id}) could not be found.")
        text_range = body.get("textRange") or {}
        if text_range.get("type") == "FIXED_RANGE":
            owner = next(s for s in slides if object_id in s.elements)
            length = owner.text_lengths.get(_text_key(body), 0)
            start, end = text_range.get("startIndex", 0), text_range.get("endIndex", 0)
            if not 0 <= start < end <= length:
                raise _BadRequest(f"The range [{start}, {end}) is outside the text (0-{length}).")
        return {}

    def _sheets_chart(
        self, slides: list[_Slide], ids: set[str], body: dict[str, Any], grant: str
    ) -> dict[str, Any]:
        """createSheetsChart, checked as the Slides API reference describes it."""
        object_id = body.get("objectId", "")
        if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_:-]{4,49}", object_id) or object_id in ids:
            raise _BadRequest(f"Invalid or duplicate object id ({object_id}).")
        page = (body.get("elementProperties") or {}).get("pageObjectId")
        owner = next((s for s in slides if s.object_id == page), None)
        if owner is None:
            raise _BadRequest(f"The page ({page}) could not be found.")
        if body.get("linkingMode", "NOT_LINKED_IMAGE") not in ("LINKED", "NOT_LINKED_IMAGE"):
            raise _BadRequest(f"Invalid linkingMode {body.get('linkingMode')}.")
        if not self.sheets.chart(body.get("spreadsheetId", ""), body.get("chartId"), grant):
            raise _BadRequest(
                f"The chart {body.get('chartId')} of spreadsheet {body.get('spreadsheetId')} "
                "could not be found."
            )
        owner.elements.add(object_id)
        return {"createSheetsChart": {"objectId": object_id}}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _error(self, status: int, message: str) -> None:
                state = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 404: "NOT_FOUND"}
                error = {"code": status, "message": message, "status": state.get(status, "")}
                self._reply(status, {"error": error})

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                raw = self._body()
                path = urllib.parse.urlsplit(self.path).path
                if path == "/token":
                    form = dict(urllib.parse.parse_qsl(raw.decode()))
                    fake.requests.append(Recorded("POST", path, form, None))
                    self._reply(*fake._token(form))
                    return
                body = json.loads(raw or b"{}")
                auth = self.headers.get("Authorization")
                fake.requests.append(Recorded("POST", path, body, auth))
                token = fake._authorised(auth)
                if token is None:
                    self._error(401, "Request had invalid authentication credentials.")
                    return
                if path.startswith("/v4/"):
                    self._reply(*fake.sheets.post(path, token, body))
                    return
                if path == "/v1/presentations":
                    self._reply(200, fake._create(token, body))
                    return
                self._batch(path, token, body)

            def _batch(self, path: str, token: str, body: dict[str, Any]) -> None:
                match = _PRESENTATION.match(path)
                pres = fake.presentations.get(match.group(1)) if match else None
                if pres is None or pres.owner_grant != token or not match or not match.group(2):
                    self._error(404, "Requested entity was not found.")
                    return
                if fake.fail_batch_update_with:
                    self._error(fake.fail_batch_update_with, "Internal error encountered.")
                    return
                try:
                    self._reply(200, fake._batch_update(pres, body.get("requests", [])))
                except _BadRequest as exc:
                    self._error(400, f"Invalid requests: {exc}")

            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                path = urllib.parse.urlsplit(self.path).path
                if path == "/auth":
                    self._consent()
                    return
                auth = self.headers.get("Authorization")
                fake.requests.append(Recorded("GET", path, None, auth))
                grant = fake._authorised(auth)
                if grant is None:
                    self._error(401, "Request had invalid authentication credentials.")
                    return
                if path.startswith("/v4/"):
                    self._reply(*fake.sheets.get(path, grant))
                    return
                match = _PRESENTATION.match(path)
                pres = fake.presentations.get(match.group(1)) if match else None
                if pres is None or pres.owner_grant != grant or (match and match.group(2)):
                    self._error(404, "Requested entity was not found.")
                    return
                self._reply(200, fake._describe(pres))

            def _consent(self) -> None:
                query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
                fake.requests.append(Recorded("GET", "/auth", query, None))
                status, where = fake.consent(query)
                if status == 302:
                    self.send_response(302)
                    self.send_header("Location", where)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                page = f"<html><body><h1>{where}</h1></body></html>".encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

        return Handler
