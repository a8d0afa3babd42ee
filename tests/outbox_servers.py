"""Real local servers for the messages the app sends (campaign reminders): an SMTP server (plain,
STARTTLS with a self-signed certificate, AUTH, or refusing every message) and a Slack-like webhook
endpoint. Each runs on 127.0.0.1 in a thread of this process, for the length of a `with` block.

    with smtp_server(starttls=True, auth=("ops", "s3cret")) as smtp, trusting(smtp.cafile):
        ...  # the app, given smtp.url, sends; then read smtp.messages
"""

from __future__ import annotations

import atexit
import contextlib
import email
import email.policy
import functools
import http.server
import json
import os
import shutil
import socketserver
import ssl
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from tests.pgserver import free_port

__all__ = ["Post", "Received", "SmtpServer", "WebhookServer", "free_port", "smtp_server", "trusting",
           "webhook_server"]

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    """One message the SMTP server accepted: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]  # the envelope's recipients (RCPT TO), Bcc included
    message: EmailMessage  # parsed with email.policy.default: message["Subject"], message.get_content()
    raw: bytes  # the DATA as it came, line ends CRLF (`message` is parsed with them made LF, as a file)


class _Collected:
    """What a server received, appended from its thread and read from the test's."""

    def __init__(self) -> None:
        self._items: list = []
        self._lock = threading.Condition()

    def append(self, item) -> None:
        with self._lock:
            self._items.append(item)
            self._lock.notify_all()

    def snapshot(self) -> list:
        with self._lock:
            return list(self._items)

    def wait(self, count: int, timeout: float) -> list:
        with self._lock:
            if not self._lock.wait_for(lambda: len(self._items) >= count, timeout):
                raise AssertionError(f"{len(self._items)} received in {timeout} s, expected {count}")
            return list(self._items)


@dataclass
class SmtpServer:
    url: str  # smtp://127.0.0.1:PORT, ...?starttls, smtp://user:pass@127.0.0.1:PORT?starttls
    host: str
    port: int
    cafile: str | None  # the certificate a client must trust (STARTTLS only): see trusting()
    _received: _Collected

    @property
    def messages(self) -> list[Received]:
        """The messages accepted so far, in order (a copy: read it again after sending more)."""
        return self._received.snapshot()

    def wait(self, count: int = 1, timeout: float = 5) -> list[Received]:
        """The messages once there are at least `count` (for a send in another thread or process)."""
        return self._received.wait(count, timeout)


class _Inbox:
    def __init__(self, received: _Collected, refuse: bool) -> None:
        self.received = received
        self.refuse = refuse

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse:
            return "554 refused"
        raw = envelope.original_content
        # With the wire's CRLF kept, an 8bit or quoted-printable text part would read "...\r\n".
        message = email.message_from_bytes(raw.replace(b"\r\n", b"\n"), policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message, raw))
        return "250 OK"


@functools.cache
def _certificate() -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key: made once a process
    (`openssl` makes a key in a fraction of a second, many servers would add up), removed at exit."""
    folder = tempfile.mkdtemp(prefix="prodops-smtp-tls-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    cert, key = str(Path(folder) / "cert.pem"), str(Path(folder) / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={HOST}",
                    "-addext", f"subjectAltName=IP:{HOST},DNS:localhost", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    return cert, key


@contextlib.contextmanager
def smtp_server(starttls: bool = False, auth: tuple[str, str] | None = None,
                refuse: bool = False) -> Iterator[SmtpServer]:
    """A real aiosmtpd server on 127.0.0.1 and a free port, stopped (thread ended, port closed) at
    the end of the block.

    starttls: the server offers STARTTLS with a self-signed certificate (`.cafile`) and requires it
        before anything else (MAIL, AUTH); `.url` ends in `?starttls`.
    auth: (user, password): the only login accepted (PLAIN or LOGIN), required before MAIL, and
        only after STARTTLS (so needs starttls=True); `.url` carries them, percent-encoded.
    refuse: every message is answered "554 refused" at DATA (smtplib raises SMTPDataError) and
        none is kept.
    """
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    if auth and not starttls:
        raise ValueError("auth needs starttls: the server takes a password only over TLS")
    received = _Collected()
    options: dict = {}
    cafile = None
    if starttls:
        cafile, keyfile = _certificate()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)  # no client certificate asked
        context.load_cert_chain(cafile, keyfile)
        options.update(tls_context=context, require_starttls=True)
    if auth:
        expected = LoginPassword(auth[0].encode(), auth[1].encode())

        def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
            # handled=False: aiosmtpd answers (235, or 535 on a failure: handled=True would answer nothing)
            return AuthResult(success=isinstance(auth_data, LoginPassword) and auth_data == expected, handled=False)

        options.update(authenticator=authenticator, auth_required=True, auth_require_tls=True)
    port = free_port()
    # server_hostname: the name in its greeting; without it aiosmtpd asks the resolver (getfqdn).
    controller = Controller(_Inbox(received, refuse), hostname=HOST, port=port, server_hostname="localhost",
                            **options)
    controller.start()
    try:
        credentials = f"{quote(auth[0], safe='')}:{quote(auth[1], safe='')}@" if auth else ""
        url = f"smtp://{credentials}{HOST}:{port}" + ("?starttls" if starttls else "")
        yield SmtpServer(url=url, host=HOST, port=port, cafile=cafile, _received=received)
    finally:
        controller.stop()


@contextlib.contextmanager
def trusting(cafile: str | os.PathLike) -> Iterator[None]:
    """In the block, `ssl.create_default_context()` trusts `cafile` (and only it, not the system's
    authorities), through SSL_CERT_FILE, which OpenSSL reads each time a context loads its default
    certificates. The environment is the process's: no other thread should make TLS connections
    meanwhile."""
    before = os.environ.get("SSL_CERT_FILE")
    os.environ["SSL_CERT_FILE"] = str(cafile)
    try:
        yield
    finally:
        if before is None:
            del os.environ["SSL_CERT_FILE"]
        else:
            os.environ["SSL_CERT_FILE"] = before


class Post(NamedTuple):
    """One POST the webhook server received."""

    path: str  # with its query string, if any: "/hooks/T000/B000/XXXX"
    headers: dict[str, str]  # names in lower case: headers["content-type"]
    body: object  # the JSON body, parsed; None when it was not JSON (then answered 400 invalid_payload)


@dataclass
class WebhookServer:
    url: str  # http://127.0.0.1:PORT/hooks/T000/B000/XXXX (any path is accepted and recorded)
    port: int
    _received: _Collected

    @property
    def received(self) -> list[Post]:
        """The POSTs so far, in order (a copy: read it again after sending more)."""
        return self._received.snapshot()

    def wait(self, count: int = 1, timeout: float = 5) -> list[Post]:
        """The POSTs once there are at least `count` (for a send in another thread or process)."""
        return self._received.wait(count, timeout)


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = False  # server_close() waits for the requests being answered: no thread left
    block_on_close = True

    def server_bind(self) -> None:  # HTTPServer's asks the resolver for the name of 127.0.0.1
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = HOST, self.server_address[1]


@contextlib.contextmanager
def webhook_server(status: int = 200) -> Iterator[WebhookServer]:
    """A Slack-like incoming webhook: a real HTTP server on 127.0.0.1 and a free port that records
    every POST and answers `status`, its body "ok" for 200 (as Slack), else the status's phrase
    ("Internal Server Error"); a body that is not JSON is answered 400 "invalid_payload". Stopped
    (threads ended, port closed) at the end of the block."""
    received = _Collected()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                body, code = json.loads(data), status
            except ValueError:
                body, code = None, 400
            received.append(Post(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            text = ("ok" if code == 200 else "invalid_payload" if body is None
                    else http.HTTPStatus(code).phrase).encode()
            self.send_response(code)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)

        def log_message(self, format, *args) -> None:  # no line on stderr for each request
            pass

    server = _HTTPServer((HOST, 0), Handler)  # port 0: the system picks a free one, no race
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name=f"webhook-{port}", daemon=True)
    thread.start()
    try:
        yield WebhookServer(url=f"http://{HOST}:{port}/hooks/T000/B000/XXXX", port=port, _received=received)
    finally:
        server.shutdown()
        thread.join()
        server.server_close()

