"""The ``Mailer`` port on Amazon SES v2 (``sesv2`` ``SendEmail``): simple content, or raw MIME
when the email carries attachments (simple content has no place for them)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from adapters.mime import raw_mime
from guide.mail_health import tag_value
from guide.ports import Email, MailerError


class SesMailer:
    """Send through a boto3 ``sesv2`` client. Tags become SES message tags, which a
    configuration set can publish with delivery events (bounces, complaints)."""

    def __init__(self, client: Any, configuration_set: str | None = None) -> None:
        self._client = client
        self._configuration_set = configuration_set

    def send(self, email: Email) -> str:
        request: dict[str, Any] = {
            "FromEmailAddress": email.sender,
            "Destination": {"ToAddresses": [email.to]},
            "Content": {"Raw": {"Data": raw_mime(email)}}
            if email.attachments
            else {
                "Simple": {
                    "Subject": {"Data": email.subject, "Charset": "UTF-8"},
                    "Body": {
                        "Text": {"Data": email.text, "Charset": "UTF-8"},
                        "Html": {"Data": email.html, "Charset": "UTF-8"},
                    },
                }
            },
        }
        if email.reply_to:
            request["ReplyToAddresses"] = [email.reply_to]
        if email.tags:
            # A character SES does not allow in a tag fails the whole call: clean, don't stop.
            request["EmailTags"] = [
                {"Name": tag_value(name), "Value": tag_value(value)}
                for name, value in email.tags.items()
            ]
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        try:
            response = self._client.send_email(**request)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise MailerError(
                f"SES did not accept the email to {email.to}: "
                f"{error.get('Code', 'error')}: {error.get('Message', '')}"
            ) from exc
        except BotoCoreError as exc:  # no connection, no credentials, timeouts
            raise MailerError(f"SES could not be reached to email {email.to}: {exc}") from exc
        return str(response["MessageId"])
