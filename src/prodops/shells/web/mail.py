"""Invite links by e-mail, through the SMTP server the settings name (smtp:// or smtps://)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit


def send_invites(settings, links, model, statement: list[str]) -> str:
    """Send each invite that has an e-mail its link and who will see what (`statement`, the campaign's);
    say how many were sent (and what failed)."""
    url = urlsplit(settings.smtp)
    wanted = [(inv, link) for inv, link in links if inv.email]
    if not wanted:
        return "no invitee has an e-mail address: nothing was sent"
    try:
        smtp_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
        with smtp_class(url.hostname or "127.0.0.1", url.port or (465 if url.scheme == "smtps" else 25), timeout=30) as smtp:
            if url.scheme == "smtp" and url.query == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if url.username:
                smtp.login(unquote(url.username), unquote(url.password or ""))
            for inv, link in wanted:
                smtp.send_message(_message(settings.mail_from, inv, link, model, statement))
    except (OSError, smtplib.SMTPException) as e:
        return f"the links could not be sent ({type(e).__name__}: {str(e)[:200]}); copy them below instead"
    return f"sent {len(wanted)} link{'s' if len(wanted) > 1 else ''} by e-mail"


def _message(sender: str, inv, link: str, model, statement: list[str]) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = inv.email
    message["Subject"] = "Your Product Operations maturity assessment"
    greeting = f"Hello {inv.name}," if inv.name else "Hello,"
    message.set_content(
        f"{greeting}\n\nPlease answer a short assessment of how Product Operations works today, as "
        f"{model.role[inv.role].name}: {len(model.criteria)} statements, each saved as you answer.\n\n"
        + "".join(f"{p}\n\n" for p in statement)
        + f"Your personal link (please do not forward it):\n{link}\n\nThank you!\n")
    return message
