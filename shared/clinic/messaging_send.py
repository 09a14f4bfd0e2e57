"""Delivery of messages: SMS through Amazon SNS, e-mail through Amazon SES, both in the
messaging region (``MESSAGING_REGION``: SES is not offered in ap-east-1, so the stack's
messages go through a nearby region such as ap-southeast-1).

SMS are published to the phone number itself (never to a topic), as ``Transactional``
with the registered sender ID when one is configured (Hong Kong's SMS Sender Registration
Scheme: registered IDs begin with "#"). E-mail goes from the verified identity's address.
"""

from dataclasses import dataclass

from clinic.aws import client
from clinic.messaging import Message


@dataclass(frozen=True)
class AwsSender:
    """:class:`clinic.messaging.Sender` on SNS and SES."""

    region: str
    sms_sender_id: str
    email_from: str

    def send(self, message: Message) -> str:
        """Publish the SMS or send the e-mail; returns the provider's message id."""
        if message.channel == "sms":
            attributes = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}
            if self.sms_sender_id:
                attributes["AWS.SNS.SMS.SenderID"] = {"DataType": "String", "StringValue": self.sms_sender_id}
            reply = client("sns", self.region).publish(
                PhoneNumber=message.to, Message=message.text, MessageAttributes=attributes
            )
            return str(reply["MessageId"])
        reply = client("ses", self.region).send_email(
            Source=self.email_from,
            Destination={"ToAddresses": [message.to]},
            Message={
                "Subject": {"Data": message.subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": message.text, "Charset": "UTF-8"}},
            },
        )
        return str(reply["MessageId"])
