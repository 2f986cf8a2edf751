"""Amazon SNS notifications as Lambda receives them: the envelopes in an event (SQS records,
SNS records, or a bare notification) and the check of each one's signature against SNS's
certificate. Nothing here knows what the notification carries; ``app.telemetry`` reads the SES
mail events inside."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import urlsplit
from urllib.request import urlopen

CertFetcher = Callable[[str], bytes]

_CERT_HOST = re.compile(r"^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$")


class Rejected(Exception):
    """Not a signed SNS notification carrying an SES event: nothing is written for it."""


@cache
def fetch_certificate(url: str) -> bytes:
    """SNS's signing certificate, once per process (a Lambda cold start)."""
    with urlopen(url, timeout=5) as answer:
        return bytes(answer.read())


def _string_to_sign(envelope: dict[str, Any]) -> bytes:
    keys = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    if envelope.get("Subject") is None:
        keys.remove("Subject")
    missing = [k for k in keys if not isinstance(envelope.get(k), str)]
    if missing:
        raise Rejected(f"the SNS message has no {', '.join(missing)}")
    return "".join(f"{k}\n{envelope[k]}\n" for k in keys).encode()


def verify_signature(envelope: dict[str, Any], fetch: CertFetcher) -> None:
    """SNS's signature (version 1: SHA1, 2: SHA256, RSA PKCS#1 v1.5) over the notification's
    fields, with the certificate at SigningCertURL; raises ``Rejected`` if it does not hold."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    signature, version = envelope.get("Signature"), str(envelope.get("SignatureVersion", ""))
    url = envelope.get("SigningCertURL") or envelope.get("SigningCertUrl")
    if not signature or not url:
        raise Rejected("the SNS message is not signed")
    if version not in ("1", "2"):
        raise Rejected(f"unknown SNS SignatureVersion {version!r}")
    parts = urlsplit(str(url))
    host_ok = bool(_CERT_HOST.match(parts.hostname or ""))
    if parts.scheme != "https" or not host_ok or parts.port not in (None, 443):
        raise Rejected(f"the signing certificate is not on an https SNS host: {url}")
    if not parts.path.endswith(".pem"):
        raise Rejected(f"the signing certificate URL is not a .pem: {url}")
    try:
        key = x509.load_pem_x509_certificate(fetch(str(url))).public_key()
        raw = base64.b64decode(str(signature), validate=True)
    except (ValueError, binascii.Error):
        raise Rejected("the SNS signature or certificate cannot be read") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise Rejected("the signing certificate has no RSA key")
    digest = hashes.SHA1() if version == "1" else hashes.SHA256()
    try:
        key.verify(raw, _string_to_sign(envelope), padding.PKCS1v15(), digest)
    except InvalidSignature:
        raise Rejected("the SNS signature does not match the message") from None


def envelopes(event: dict[str, Any]) -> list[dict[str, Any] | Rejected]:
    """The SNS envelopes in a Lambda event (SQS records, SNS records) or a bare envelope."""
    if isinstance(event, dict) and event.get("Type") == "Notification":
        return [event]
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list):
        return [Rejected("neither SNS nor SQS records, nor an SNS notification")]
    found: list[dict[str, Any] | Rejected] = []
    for record in records:
        envelope: Any = None
        if isinstance(record, dict) and isinstance(record.get("Sns"), dict):
            envelope = record["Sns"]
        elif isinstance(record, dict) and isinstance(record.get("body"), str):
            try:
                envelope = json.loads(record["body"])
            except ValueError:
                envelope = None
        ok = isinstance(envelope, dict) and envelope.get("Type") == "Notification"
        found.append(envelope if ok else Rejected("a record is not an SNS notification"))
    return found
