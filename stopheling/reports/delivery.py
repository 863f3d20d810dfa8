"""Send one delivery: the signed webhook POST and the mails (to the unit, to the citizen).

Plain functions with explicit arguments: the worker decides when, these decide how.
Any failure is a DeliveryError, which the outbox turns into a retry.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from .models import HitReport

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The receiver did not accept the delivery; ``permanent`` means: do not retry."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True, slots=True)
class MailSettings:
    """SMTP server. Without a host, development writes the mail to the log; production
    never does (mails carry personal data): there an unsent mail is an error."""

    host: str = ""
    port: int = 25
    starttls: bool = False
    username: str = ""
    password: str = ""
    sender: str = "stopheling <noreply@stopheling.invalid>"
    timeout: float = 10.0
    log_unsent: bool = True  # False in production

    @classmethod
    def from_config(cls, config: Any) -> MailSettings:
        return cls(
            host=config["SMTP_HOST"],
            port=config["SMTP_PORT"],
            starttls=config["SMTP_STARTTLS"],
            username=config["SMTP_USERNAME"],
            password=config["SMTP_PASSWORD"],
            sender=config["MAIL_FROM"],
            timeout=config["DELIVERY_TIMEOUT_SECONDS"],
            log_unsent=config["ENV_NAME"] != "production",
        )


def report_document(report: HitReport) -> dict[str, Any]:
    """The JSON a unit receives: the report, the reporter's contact and the police's item."""
    item = report.item
    return {
        "type": "hit_report",
        "source": report.source,  # "citizen", or "buyer_register" for a dealer's purchase
        "id": report.public_id,
        "created_at": report.created_at.isoformat(),
        "police_unit": report.police_unit_code,
        "query": report.query,
        "where": report.where,
        "remarks": report.remarks,
        "has_photo": report.photo_type is not None,
        "contact": {
            "name": report.contact_name,
            "email": report.contact_email,
            "phone": report.contact_phone,
        },
        "item": {
            "ref": item.ref,
            "source_id": item.source_id,
            "case_ref": item.case_ref,
            "kind": item.kind,
            "identifier": item.normalized,
            "brand": item.brand,
            "model": item.model,
            "category": item.category,
        },
    }


def signature(secret: str, body: bytes) -> str:
    """X-Stopheling-Signature: sha256=<hex HMAC-SHA256 of the body with the unit's secret>."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def post_webhook(
    url: str, body: bytes, *, secret: str, idempotency_key: str, now: datetime, timeout: float
) -> int:
    """POST the signed body; returns the 2xx status, raises DeliveryError otherwise."""
    request = urllib.request.Request(  # noqa: S310 - https only (see channels.add_channel)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "stopheling-delivery/1",
            "X-Stopheling-Signature": signature(secret, body),
            "Idempotency-Key": idempotency_key,
            "X-Stopheling-Timestamp": str(int(now.timestamp())),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code} from {url}") from None
    except (OSError, ValueError) as exc:  # refused, reset, timeout, TLS, bad URL
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from None


def unit_mail(report: HitReport, to: str, key: str, settings: MailSettings) -> EmailMessage:
    """The mail to the unit's address (Dutch: the police's working language)."""
    doc = report_document(report)
    contact = doc["contact"]
    lines = [
        f"Melding {report.public_id} over gestolen voorwerp {doc['item']['identifier']}",
        f"({doc['item']['brand'] or ''} {doc['item']['model'] or ''}, "
        f"bron-id {doc['item']['source_id']}, zaak {doc['item']['case_ref'] or '-'}).",
        "",
        f"Waar aangeboden: {report.where}",
        f"Opmerkingen: {report.remarks or '-'}",
        "",
        f"Melder: {contact['name'] or '-'}, e-mail {contact['email'] or '-'}, "
        f"telefoon {contact['phone'] or '-'}",
        "",
        "Deze melding staat ook in de inbox van uw eenheid op stopheling.",
    ]
    return _message(
        settings,
        to,
        f"Melding {report.public_id}: gestolen voorwerp aangeboden",
        "\n".join(lines),
        key,
    )


def citizen_mail(report: HitReport, link: str, key: str, settings: MailSettings) -> EmailMessage:
    """The confirmation with the private status link, in Dutch and English."""
    assert report.contact_email is not None
    body = (
        f"Bedankt voor uw melding. Uw meldingsnummer is {report.public_id}.\n"
        f"De politie-eenheid {report.police_unit.name} krijgt uw melding.\n"
        f"Hier ziet u wat ermee gebeurt (deel deze link niet):\n{link}\n\n"
        f"Thank you for your report. Your reference number is {report.public_id}.\n"
        f"See what happens to it here (do not share this link):\n{link}\n"
    )
    return _message(
        settings, report.contact_email, f"Uw melding {report.public_id} / Your report", body, key
    )


def _message(settings: MailSettings, to: str, subject: str, body: str, key: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.sender, to, subject
    # The same Message-ID on every try lets a mail system drop a repeat.
    message["Message-ID"] = make_msgid(idstring=key, domain="stopheling.invalid")
    message["Idempotency-Key"] = key
    message.set_content(body)
    return message


def send_mail(message: EmailMessage, settings: MailSettings) -> None:
    if not settings.host:
        if not settings.log_unsent:
            raise DeliveryError("no SMTP host configured (STOPHELING_SMTP_HOST)")
        log.info("mail (no SMTP host set, not sent):\n%s", message.as_string())
        return
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls()
            if settings.username:
                smtp.login(settings.username, settings.password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"SMTP: {type(exc).__name__}: {exc}") from None
