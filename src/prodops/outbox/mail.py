"""E-mail through the SMTP server the settings name: smtp://user:password@host:port (STARTTLS with
?starttls) or smtps://... (TLS from the start). A message has a text and an HTML part, a Date and a
Message-ID (spam filters count their absence against it) and a Reply-To of whoever runs the campaign."""

from __future__ import annotations

import html
import re
import smtplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

from prodops import clock
from prodops.core.errors import InputError
from prodops.core.lifecycle import Letter

TIMEOUT = 30  # seconds a server may take to answer


@dataclass(frozen=True)
class Server:
    """An SMTP server as a URL names it; `where` is what may be shown (no password)."""

    url: str

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise InputError(f"the mail server {self.where!r} is not valid: give smtp://[user:password@]host[:port] "
                             "(add ?starttls to upgrade to TLS) or smtps://... for TLS from the start")
        try:
            parts.port  # noqa: B018 -- a bad port raises here
        except ValueError:
            raise InputError(f"the mail server {self.where!r} has a bad port") from None

    @property
    def where(self) -> str:
        parts = urlsplit(self.url)
        port = parts.netloc.rpartition("@")[2].rpartition("]")[2].partition(":")[2]
        return f"{parts.scheme}://{parts.hostname or '?'}" + (f":{port}" if port else "")

    @contextmanager
    def session(self) -> Iterator[smtplib.SMTP]:
        """A signed-in connection (TLS as the URL asks), closed after the block."""
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        tls = parts.scheme == "smtps"
        smtp = (smtplib.SMTP_SSL(host, parts.port or 465, timeout=TIMEOUT, context=ssl.create_default_context())
                if tls else smtplib.SMTP(host, parts.port or 25, timeout=TIMEOUT))
        try:
            if not tls and "starttls" in parse_qs(parts.query, keep_blank_values=True):
                smtp.starttls(context=ssl.create_default_context())
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
            yield smtp
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()


def failure(e: BaseException) -> str:
    """What went wrong, in a line that names no secret."""
    text = re.sub(r"\s+", " ", str(e))[:200]
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def check(server: Server) -> str | None:
    """Connect, upgrade to TLS and sign in as the URL says, send nothing: None when it worked, else
    what failed."""
    try:
        with server.session() as smtp:
            smtp.noop()
    except (OSError, smtplib.SMTPException) as e:
        return f"{server.where}: {failure(e)}"
    return None


def message(letter: Letter, sender: str, to: str, reply_to: str | None = None, automatic: bool = False) -> EmailMessage:
    """The e-mail of `letter`: its text, and an HTML part where the link is a button."""
    m = EmailMessage()
    m["From"] = sender
    m["To"] = to
    if reply_to:
        m["Reply-To"] = reply_to
    m["Subject"] = " ".join(letter.subject.split())  # one line, whatever a name or a wording held
    m["Date"] = format_datetime(clock.now())
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    m["Message-ID"] = make_msgid(domain=domain)
    if automatic:  # RFC 3834: no out-of-office answers to a reminder the scheduler sent
        m["Auto-Submitted"] = "auto-generated"
    m.set_content(letter.text)
    m.add_alternative(_html(letter), subtype="html")
    return m


def _html(letter: Letter) -> str:
    paragraphs = []
    for p in letter.text.split("\n\n"):
        if letter.link and p.strip().endswith(letter.link):
            before = html.escape(p.strip()[: -len(letter.link)].strip())
            paragraphs.append(f"<p>{before}</p>" if before else "")
            paragraphs.append(f'<p><a href="{html.escape(letter.link)}" style="display:inline-block;padding:10px 16px;'
                              'background:#1d4ed8;color:#ffffff;text-decoration:none;border-radius:4px">'
                              f'{html.escape(letter.button)}</a></p>'
                              f'<p style="font-size:12px;color:#555">Or copy this address: {html.escape(letter.link)}</p>')
        else:
            paragraphs.append("<p>" + html.escape(p.strip()).replace("\n", "<br>") + "</p>")
    return ('<!doctype html><html><body style="font-family:sans-serif;line-height:1.5;max-width:600px">'
            + "".join(paragraphs) + "</body></html>")


Send = Callable[[EmailMessage], "str | None"]


@contextmanager
def sending(server: Server) -> Iterator[Send]:
    """A function sending one message at a time over one connection, each returning None or what
    failed: a server that refuses one recipient does not stop the others. A connection that cannot
    be made fails every message given to it."""
    with ExitStack() as stack:
        try:
            smtp = stack.enter_context(server.session())
        except (OSError, smtplib.SMTPException) as e:
            reason = f"{server.where}: {failure(e)}"
            yield lambda _m: reason
            return

        def send(m: EmailMessage) -> str | None:
            try:
                smtp.send_message(m)
            except (OSError, smtplib.SMTPException) as e:
                return failure(e)
            return None
        yield send
