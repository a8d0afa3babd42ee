"""The test servers of tests/outbox_servers.py do what the tests of the messages the app sends
(campaign reminders) will rely on: a real SMTP conversation (plain, STARTTLS with a certificate a
client verifies, AUTH, a refusal) and a real webhook POST; each stops cleanly."""

from __future__ import annotations

import json
import smtplib
import socket
import ssl
import threading
import urllib.error
import urllib.request
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import pytest

from tests.outbox_servers import smtp_server, trusting, webhook_server

USER, PASSWORD = "ops@acme.example", "p@ss:w/rd %?#"  # ASCII: smtplib sends no other


def message(to: str = "ana@acme.example", subject: str = "Reminder: Q4 assessment", body: str = "Please answer.\n",
            bcc: str | None = None) -> EmailMessage:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "ops@acme.example", to, subject
    if bcc:
        m["Bcc"] = bcc
    m.set_content(body)
    return m


def connect(url: str) -> smtplib.SMTP:
    """A client as the app makes one from its URL (prodops.outbox.mail)."""
    parts = urlsplit(url)
    smtp = smtplib.SMTP(parts.hostname, parts.port, timeout=5)
    if parts.query == "starttls":
        smtp.starttls(context=ssl.create_default_context())
    return smtp


def refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


def test_a_plain_server_receives_a_message_with_its_envelope():
    with smtp_server() as smtp:
        assert smtp.url == f"smtp://127.0.0.1:{smtp.port}" and smtp.cafile is None
        with connect(smtp.url) as client:
            client.send_message(message(subject="Rappel : évaluation Q4", body="Merci de répondre.\n",
                                        bcc="lead@acme.example"))
        [got] = smtp.messages
        assert got.mail_from == "ops@acme.example"
        assert got.rcpt_tos == ["ana@acme.example", "lead@acme.example"]
        assert got.message["Subject"] == "Rappel : évaluation Q4" and got.message["To"] == "ana@acme.example"
        assert got.message["Bcc"] is None  # smtplib leaves it out of what it sends
        assert got.message.get_content() == "Merci de répondre.\n"
        assert smtp.wait(1) == [got]


def test_starttls_and_auth_succeed_when_the_client_trusts_the_certificate():
    with smtp_server(starttls=True, auth=(USER, PASSWORD)) as smtp:
        parts = urlsplit(smtp.url)
        assert smtp.url.startswith("smtp://ops%40acme.example:p%40ss%3Aw%2Frd%20%25%3F%23@127.0.0.1:")
        assert (parts.hostname, parts.port, parts.query) == ("127.0.0.1", smtp.port, "starttls")
        assert (unquote(parts.username), unquote(parts.password)) == (USER, PASSWORD)
        with trusting(smtp.cafile), connect(smtp.url) as client:
            client.login(USER, PASSWORD)
            client.send_message(message())
        assert [m.message["Subject"] for m in smtp.messages] == ["Reminder: Q4 assessment"]


def test_the_app_sends_through_the_starttls_server_given_its_url():
    from prodops.core.lifecycle import Letter
    from prodops.outbox.mail import Server, message as letter_message, sending

    with smtp_server(starttls=True, auth=(USER, PASSWORD)) as smtp:
        letter = Letter("Your assessment", "Hello Ana,\n\nYour link:\nhttp://x/r/1", "http://x/r/1")
        with trusting(smtp.cafile), sending(Server(smtp.url)) as send:
            assert send(letter_message(letter, "ops@acme.example", "ana@acme.example")) is None
        assert smtp.messages[0].rcpt_tos == ["ana@acme.example"]
        assert "http://x/r/1" in smtp.messages[0].message.get_body(("plain",)).get_content()
        with sending(Server(smtp.url)) as send:  # the server's certificate is not trusted outside
            assert "CERTIFICATE_VERIFY_FAILED" in send(letter_message(letter, "ops@acme.example", "ana@acme.example"))


def test_a_client_that_does_not_trust_the_certificate_is_stopped_at_starttls():
    with smtp_server(starttls=True) as smtp:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=5) as client, pytest.raises(ssl.SSLCertVerificationError):
            client.starttls(context=ssl.create_default_context())
        # and the environment comes back as it was:
        with trusting(smtp.cafile), smtplib.SMTP(smtp.host, smtp.port, timeout=5) as client:
            client.starttls(context=ssl.create_default_context())
        with smtplib.SMTP(smtp.host, smtp.port, timeout=5) as client, pytest.raises(ssl.SSLCertVerificationError):
            client.starttls(context=ssl.create_default_context())
        assert smtp.messages == []


def test_a_wrong_password_and_no_login_are_refused():
    with smtp_server(starttls=True, auth=(USER, PASSWORD)) as smtp, trusting(smtp.cafile):
        with connect(smtp.url) as client, pytest.raises(smtplib.SMTPAuthenticationError):
            client.login(USER, "wrong")
        with connect(smtp.url) as client, pytest.raises(smtplib.SMTPSenderRefused) as no_login:
            client.send_message(message())
        assert no_login.value.smtp_code == 530
        assert smtp.messages == []


def test_without_starttls_a_starttls_server_takes_no_message_and_no_password():
    with smtp_server(starttls=True, auth=(USER, PASSWORD)) as smtp:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=5) as client:
            with pytest.raises(smtplib.SMTPNotSupportedError):  # AUTH is not offered before TLS
                client.login(USER, PASSWORD)
            with pytest.raises(smtplib.SMTPSenderRefused) as no_tls:
                client.send_message(message())
        assert no_tls.value.smtp_code == 530
        assert smtp.messages == []


def test_auth_without_starttls_is_a_mistake_in_the_test():
    with pytest.raises(ValueError, match="starttls"), smtp_server(auth=(USER, PASSWORD)):
        pass


def test_a_refusing_server_fails_the_send():
    with smtp_server(refuse=True) as smtp:
        with connect(smtp.url) as client, pytest.raises(smtplib.SMTPDataError) as failed:
            client.send_message(message())
        assert (failed.value.smtp_code, failed.value.smtp_error) == (554, b"refused")
        assert smtp.messages == []


def test_the_webhook_server_receives_a_json_post():
    with webhook_server() as hook:
        assert hook.url == f"http://127.0.0.1:{hook.port}/hooks/T000/B000/XXXX"
        request = urllib.request.Request(hook.url, data=json.dumps({"text": "Q4: 3 of 5 answered"}).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=5) as response:
            assert (response.status, response.read()) == (200, b"ok")
        [(path, headers, body)] = hook.received
        assert path == "/hooks/T000/B000/XXXX"
        assert headers["content-type"] == "application/json"
        assert body == {"text": "Q4: 3 of 5 answered"}


def test_a_failing_webhook_server_answers_its_status():
    with webhook_server(status=500) as hook:
        with pytest.raises(urllib.error.HTTPError) as failed:
            urllib.request.urlopen(urllib.request.Request(hook.url, data=b'{"text": "x"}', method="POST"), timeout=5)
        assert (failed.value.code, failed.value.read()) == (500, b"Internal Server Error")
        failed.value.close()
        assert [post.body for post in hook.wait(1)] == [{"text": "x"}]
        with pytest.raises(urllib.error.HTTPError) as not_json:
            urllib.request.urlopen(urllib.request.Request(hook.url, data=b"text=x", method="POST"), timeout=5)
        assert (not_json.value.code, not_json.value.read()) == (400, b"invalid_payload")
        not_json.value.close()
        assert hook.received[1].body is None


def test_every_server_stops_its_threads_and_frees_its_port():
    before = set(threading.enumerate())
    with smtp_server() as plain, smtp_server(starttls=True, auth=(USER, PASSWORD)) as tls, \
            smtp_server(refuse=True) as refusing, webhook_server() as hook:
        ports = [plain.port, tls.port, refusing.port, hook.port]
        assert len(set(ports)) == 4 and not any(refused(port) for port in ports)
        with connect(plain.url) as client:
            client.send_message(message())
        urllib.request.urlopen(urllib.request.Request(hook.url, data=b"{}", method="POST"), timeout=5).close()
        assert set(threading.enumerate()) - before
    assert set(threading.enumerate()) == before
    assert all(refused(port) for port in ports)
