"""The account mails (confirm the address, reset the password), in Dutch and English.

Sent at once over SMTP with the delivery settings (STOPHELING_SMTP_*); without an SMTP host
the mail is written to the log, as in development. A failure raises DeliveryError, which
the page turns into "the mail could not be sent, try again".
"""

from __future__ import annotations

import logging
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from ..reports.delivery import MailSettings, send_mail

log = logging.getLogger(__name__)


def settings_from(config: Any) -> MailSettings:
    return MailSettings.from_config(config)


def _message(settings: MailSettings, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.sender, to, subject
    message["Message-ID"] = make_msgid(domain="stopheling.invalid")
    message.set_content(body)
    return message


def confirmation_mail(settings: MailSettings, to: str, link: str) -> EmailMessage:
    body = (
        "Bevestig uw e-mailadres voor stopheling door deze link te openen:\n"
        f"{link}\n\n"
        "De link werkt 7 dagen. Heeft u dit niet zelf gevraagd? Dan kunt u deze mail negeren.\n\n"
        "Confirm your e-mail address for stopheling by opening this link:\n"
        f"{link}\n\n"
        "The link works for 7 days. Did you not ask for this? Then ignore this mail.\n"
    )
    return _message(settings, to, "Bevestig uw e-mailadres / Confirm your address", body)


def already_registered_mail(
    settings: MailSettings, to: str, login: str, reset: str
) -> EmailMessage:
    body = (
        "Iemand wilde met dit e-mailadres een account maken bij stopheling, maar u heeft al "
        f"een account. Inloggen: {login}\nWachtwoord vergeten? {reset}\n"
        "Was u dit niet? Dan hoeft u niets te doen.\n\n"
        "Someone tried to create a stopheling account with this address, but you already "
        f"have one. Log in: {login}\nForgot your password? {reset}\n"
        "Was this not you? Then you need not do anything.\n"
    )
    return _message(settings, to, "U heeft al een account / You already have an account", body)


def reset_mail(settings: MailSettings, to: str, link: str) -> EmailMessage:
    body = (
        "Kies een nieuw wachtwoord voor stopheling met deze link:\n"
        f"{link}\n\n"
        "De link werkt één uur en één keer. Heeft u dit niet zelf gevraagd? Dan blijft uw "
        "wachtwoord zoals het is.\n\n"
        "Choose a new password for stopheling with this link:\n"
        f"{link}\n\n"
        "The link works once, for one hour. Did you not ask for this? Then your password "
        "stays as it is.\n"
    )
    return _message(settings, to, "Nieuw wachtwoord / New password", body)


def send(message: EmailMessage, settings: MailSettings) -> None:
    """Send over SMTP; without a host, write the mail readably to the log (development):
    the links must be copyable, not wrapped by quoted-printable."""
    if not settings.host and settings.log_unsent:
        body = message.get_content()
        log.info(
            "mail (no SMTP host set, not sent) to %s: %s\n%s",
            message["To"],
            message["Subject"],
            body,
        )
        return
    send_mail(message, settings)
