"""The desk's web server: the standard library's threading HTTP server on 127.0.0.1, behind a secret token.

Why the standard library: the desk serves one instructor on their own machine (a few pages and four JSON
endpoints), so a framework would add dependencies and nothing the desk needs.

Who may use it: only whoever has the token, which is random per start and printed in the desk's URL.  The first
request carries it in the query (``/?token=...``); the answer sets it as an HttpOnly, SameSite=Strict cookie and
redirects to the same page without it, so it leaves the address bar.  Every request without the token (cookie,
or ``X-Desk-Token`` header) is refused with 403 before anything is read, and so is one whose ``Host`` is not this
desk's (DNS rebinding) or whose ``Origin`` is another site's.  Writes are ``POST`` with JSON and the token in the
``X-Desk-Token`` header, which a page on another site cannot send.

What pages may do: a strict Content-Security-Policy (scripts and styles from the desk itself only, no inline
script, nothing from elsewhere, no frames), ``nosniff``, no referrer, no caching.  The student's report, served as
the student sees it, has inline styles and pictures and no script at all; the class dashboard's one inline script
is allowed by its hash.  Student text is escaped by the templates (autoescape on).

Each request opens its own connection to ``gradebook.db``; every decision is one ``BEGIN IMMEDIATE`` transaction,
so two tabs saving at the same moment are written one after the other and neither is lost.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import re
import secrets
import threading
import traceback
from http import HTTPStatus
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from grader.config import Settings
from grader.grading.store import Gradebook
from grader.review.decisions import DecisionError, Decisions, who_am_i
from grader.review.desk import views

HERE = Path(__file__).resolve().parent
STATIC = {"desk.js": "text/javascript; charset=utf-8", "desk.css": "text/css; charset=utf-8"}
MAX_BODY = 64 * 1024
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'none'; base-uri 'none'; frame-ancestors 'none'")
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'; " \
             "frame-ancestors 'none'"
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


class DeskError(RuntimeError):
    """The desk cannot start (no gradebook in the folder, the port is taken)."""


@functools.lru_cache(maxsize=None)
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


class Desk:
    """One desk over one graded folder.  ``start()`` serves on a thread (tests), ``serve_forever()`` here (the
    CLI); ``close()`` stops it and writes the exports, so leaving the desk leaves every export up to date."""

    def __init__(self, out_dir: Path, settings: Settings, *, port: int = 0, token: str | None = None,
                 who: str | None = None):
        self.out_dir = Path(out_dir)
        self.gradebook = self.out_dir / "gradebook.db"
        if not self.gradebook.is_file():
            raise DeskError(f"{self.out_dir} has no gradebook.db: grade into it first (grader grade ... --out DIR)")
        self.settings = settings
        with Gradebook(self.gradebook) as book:
            Decisions(book)  # the review tables exist before the first request
        self.token = token or secrets.token_urlsafe(24)
        self.who = who or who_am_i()
        self.lock = threading.Lock()  # one report rewrite at a time, from the state after the decision
        self.exported = None
        try:
            self.server = _Server(("127.0.0.1", port), _Handler)
        except OSError as exc:
            raise DeskError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from None
        self.server.desk = self
        self.port = self.server.server_address[1]
        self.cookie = f"grader_desk_{self.port}"
        self._thread: threading.Thread | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.base}/?token={self.token}"

    def serve_forever(self) -> None:
        self.server.serve_forever(poll_interval=0.25)

    def start(self) -> "Desk":
        self._thread = threading.Thread(target=self.serve_forever, name="desk", daemon=True)
        self._thread.start()
        return self

    def close(self):
        """Stop serving and write the exports (CSV, Canvas, JUnit, Gradescope, dashboard, reports)."""
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join(timeout=10)
        self.server.server_close()
        return self.export()

    def export(self):
        from grader.report.exports import write_exports

        with self.lock, Gradebook(self.gradebook) as book:
            self.exported = write_exports(book, self.out_dir, self.settings)
        return self.exported

    def rewrite_report(self, student: str) -> None:
        """The student's result.json and report.html as the grade stands now (after a decision)."""
        from grader.fileio import atomic_write_text
        from grader.report import render_html, write_result

        with self.lock, Gradebook(self.gradebook) as book:
            final = Decisions(book).final(student)
            if final is None:
                return
            from grader.report.exports import student_folder

            folder = student_folder(self.out_dir, student)
            if folder.is_dir():
                write_result(final.result, folder / "result.json")
                atomic_write_text(folder / "report.html", render_html(final.result))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False
    desk: Desk


class _Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "grader-desk"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name; requests are not logged
        pass

    # ------------------------------------------------------------------------------------------ plumbing
    @property
    def desk(self) -> Desk:
        return self.server.desk

    def _send(self, status: int, body: bytes, content_type: str, csp: str = CSP, extra: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", csp)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.send_header("Cache-Control", "no-store")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _html(self, template: str, status: int = 200, **context):
        context.setdefault("page", template.split(".")[0])
        html = _environment().get_template(template).render(token=self.desk.token, who=self.desk.who, **context)
        self._send(status, html.encode("utf-8"), "text/html; charset=utf-8")

    def _json(self, data, status: int = 200):
        self._send(status, json.dumps(data).encode("utf-8"), "application/json")

    def _refuse(self, status: int, message: str):
        body = f"{status} {HTTPStatus(status).phrase}: {message}\n".encode("utf-8")
        self.close_connection = True  # a refused request's body may be unread: the connection ends with it
        self._send(status, body, "text/plain; charset=utf-8", extra={"Connection": "close"})

    def _authorised(self, query: dict) -> str:
        """'' when the request may go on; 'redirect' when it brought the token in the query; else raises."""
        desk = self.desk
        host = (self.headers.get("Host") or "").lower()
        if host not in (f"127.0.0.1:{desk.port}", f"localhost:{desk.port}"):
            raise _Refused(403, "this desk answers only at its own address")
        origin = self.headers.get("Origin")
        if origin and origin not in (f"http://127.0.0.1:{desk.port}", f"http://localhost:{desk.port}"):
            raise _Refused(403, "requests from other sites are refused")
        header = self.headers.get("X-Desk-Token") or ""
        if self.command == "POST":  # a write needs the header itself: no other site's page can send it
            if header and hmac.compare_digest(header.encode(), desk.token.encode()):
                return ""
            raise _Refused(403, "a write needs this desk's key in the X-Desk-Token header")
        given = [header]
        cookie = SimpleCookie()
        try:
            cookie.load(self.headers.get("Cookie") or "")
        except Exception:  # noqa: BLE001 - a malformed cookie header is no token
            pass
        if desk.cookie in cookie:
            given.append(cookie[desk.cookie].value)
        if any(hmac.compare_digest(g.encode(), desk.token.encode()) for g in given if g):
            return ""
        if self.command == "GET" and any(hmac.compare_digest(t.encode(), desk.token.encode())
                                         for t in query.get("token", [])):
            return "redirect"
        raise _Refused(403, "this desk needs its key: open the address `grader review` printed")

    def _route(self):
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        try:
            state = self._authorised(query)
        except _Refused as exc:
            return self._refuse(exc.status, str(exc))
        if state == "redirect":
            rest = {k: v for k, v in query.items() if k != "token"}
            target = parts.path + ("?" + "&".join(f"{quote(k)}={quote(x)}" for k, vs in rest.items() for x in vs)
                                   if rest else "")
            cookie = f"{self.desk.cookie}={self.desk.token}; HttpOnly; SameSite=Strict; Path=/"
            return self._send(303, b"", "text/plain", extra={"Location": target, "Set-Cookie": cookie})
        segments = [unquote(s) for s in parts.path.split("/") if s]
        try:
            if self.command == "POST":
                return self._post(segments)
            return self._get(segments)
        except _Refused as exc:
            return self._refuse(exc.status, str(exc))
        except DecisionError as exc:
            return self._json({"ok": False, "error": str(exc)}, 400)
        except Exception as exc:  # noqa: BLE001 - one broken page must not stop the desk; the terminal says why
            traceback.print_exc()
            return self._refuse(500, f"the desk failed on this page ({type(exc).__name__}); the terminal has the "
                                     "details")

    do_GET = do_HEAD = do_POST = lambda self: self._route()  # noqa: E731

    def _store(self):
        book = Gradebook(self.desk.gradebook)
        return book, Decisions(book)

    # ------------------------------------------------------------------------------------------ pages
    def _get(self, segments: list[str]):
        if segments[:1] == ["static"] and len(segments) == 2 and segments[1] in STATIC:
            return self._send(200, (HERE / "static" / segments[1]).read_bytes(), STATIC[segments[1]])
        if segments == ["favicon.ico"]:
            return self._send(204, b"", "image/x-icon")
        book, store = self._store()
        try:
            snap = views.Snapshot.take(store)
            settings = self.desk.settings
            if not segments:
                return self._html("home.html.j2", view=views.home(snap, store, settings), title="Instructor's desk")
            head, rest = segments[0], segments[1:]
            if head == "q" and len(rest) == 1:
                view = views.question_list(snap, rest[0])
                if not view["rows"]:
                    raise _Refused(404, f"no answers to {rest[0]!r}")
                return self._html("question.html.j2", view=view, title=f"{view['exercise']}: {view['title']}")
            if head == "q" and len(rest) == 2:
                exercise, student = rest
                if student not in snap.final or views.question_order(snap, exercise).count(student) == 0:
                    raise _Refused(404, f"no answer of {student!r} to {exercise!r}")
                view = views.answer(snap, store, settings, exercise, student)
                return self._html("answer.html.j2", view=view,
                                  title=f"{exercise} · {view['name']} ({view['position']} of {view['count']})")
            if head in ("s", "r") and len(rest) == 1:
                if rest[0] not in snap.final:
                    raise _Refused(404, f"no student {rest[0]!r}")
                if head == "r":
                    from grader.report import render_html

                    return self._send(200, render_html(snap.final[rest[0]].result).encode("utf-8"),
                                      "text/html; charset=utf-8", csp=REPORT_CSP)
                view = views.student(snap, store, rest[0])
                return self._html("student.html.j2", view=view, title=f"{view['name']}")
            if segments == ["requests"]:
                return self._html("requests.html.j2", view=views.requests(snap, store), title="Regrade requests")
            if segments == ["history"]:
                return self._html("history.html.j2", view=views.history(snap, store), title="Every decision")
            if segments == ["dashboard"]:
                return self._dashboard(snap, store)
            raise _Refused(404, "no such page")
        finally:
            book.close()

    def _dashboard(self, snap, store):
        """The class dashboard as exported, with its links into the desk; its one inline script allowed by hash."""
        from grader.report.dashboard import ClassRow, render_dashboard, review_summary
        from grader.report.exports import starter_code
        from grader.review.flags import find_flags

        final = [snap.final[k] for k in snap.order]
        rows = [ClassRow(g.student.student, g.student.name, g.result, f"/s/{quote(g.student.student)}")
                for g in final]
        flags = find_flags({g.student.student: g.result for g in final},
                           {g.student.student: g.code for g in final}, starter_code(self.desk.settings))
        review = review_summary(final, store.requests(), store.changed_underneath(snap.computed.values()),
                                self.desk.out_dir, desk=True)
        html = render_dashboard(rows, flags, title="Class dashboard", generated="", review=review)
        hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
                          for s in _SCRIPT.findall(html))
        csp = REPORT_CSP + (f"; script-src {hashes}" if hashes else "")
        return self._send(200, html.encode("utf-8"), "text/html; charset=utf-8", csp=csp)

    # ------------------------------------------------------------------------------------------ writes
    def _body(self) -> dict:
        if (self.headers.get("Content-Type") or "").split(";")[0].strip() != "application/json":
            raise _Refused(415, "send JSON")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise _Refused(400, "a bad Content-Length") from None
        if length > MAX_BODY:
            raise _Refused(413, "too large")
        try:
            data = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            raise _Refused(400, "not JSON") from None
        if not isinstance(data, dict):
            raise _Refused(400, "send a JSON object")
        return data

    def _post(self, segments: list[str]):
        data = self._body()
        desk = self.desk
        if segments == ["api", "export"]:
            done = desk.export()
            return self._json({"ok": True, "files": [str(p) for p in done.files], "warnings": done.warnings})
        book, store = self._store()
        try:
            if segments == ["api", "decide"]:
                decided = store.decide(
                    _text(data, "student"), _text(data, "exercise"), _number(data.get("score")),
                    case=_text(data, "case", required=False), action=_text(data, "action", required=False) or "score",
                    comment=_text(data, "comment", required=False), source="desk", who=desk.who,
                    seen=_number(data.get("seen")))
                student = decided.student
                out = {"ok": True, "decision": decided.to_dict()}
            elif segments == ["api", "request"]:
                try:
                    request_id = int(data.get("id"))
                except (TypeError, ValueError):
                    raise DecisionError("which request? (id)") from None
                answered = store.answer(request_id, _text(data, "status"), _text(data, "reply", required=False),
                                        _number(data.get("score")), who=desk.who)
                student = answered["student"]
                out = {"ok": True, "request": answered}
            else:
                raise _Refused(404, "no such action")
        finally:
            book.close()
        desk.rewrite_report(student)
        return self._json(out)


def _text(data: dict, key: str, required: bool = True) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise DecisionError(f"{key} is missing")
        return ""
    if not isinstance(value, str) or len(value) > 10_000:
        raise DecisionError(f"{key} must be text")
    return value


def _number(value) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise DecisionError("a score is a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DecisionError(f"{value!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise DecisionError("a score is a finite number")
    return number
