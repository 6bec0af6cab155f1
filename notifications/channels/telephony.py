"""Text messages and voice calls go through a provider chosen by `settings.TELEPHONY_PROVIDER`:

- "logging" (the default): writes the message to the log and succeeds; nothing leaves the server.
- "aliyun": Alibaba Cloud SMS (`SendSms`, dysmsapi 2017-05-25) and voice (`SingleCallByTts`, dyvmsapi
  2017-05-25), called over HTTP with Alibaba's RPC signature (HMAC-SHA1 over the sorted, percent-
  encoded query). `TELEPHONY_API_URL`, when set, is the endpoint for both (a relay, a test fake);
  otherwise each product's public endpoint. The answer's `Code` "OK" is success; throttling codes are
  retried; every other code is permanent.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import uuid
from urllib.parse import quote

from django.conf import settings

from .answers import MISCONFIGURED, THROTTLED, TRANSIENT, Answer
from .base import DeliveryError, SendContext, SendResult, http_send, http_status_answer, json_body, trim

logger = logging.getLogger(__name__)

PUBLIC_ENDPOINTS = {"sms": "https://dysmsapi.aliyuncs.com/", "voice": "https://dyvmsapi.aliyuncs.com/"}
API_VERSION = "2017-05-25"
# The provider's answers (`Code`), shared by the sms and voice packages. Source: Alibaba Cloud SMS
# error codes, https://help.aliyun.com/document_detail/101346.html (isv.BUSINESS_LIMIT_CONTROL: the
# per-number limits, 1 a minute, 5 an hour, 10 a day; Throttling.*: API flow control), and the RPC
# common errors of https://help.aliyun.com/document_detail/2361869.html.
ANSWERS: dict[str, Answer] = {
    "isv.BUSINESS_LIMIT_CONTROL": Answer(THROTTLED, "The provider limits messages to this number (at most one a "
                                                    "minute); paused a minute.", wait=60.0),
    "Throttling": Answer(THROTTLED, "The provider throttles the API; paused a second.", wait=1.0),
    "Throttling.User": Answer(THROTTLED, "The provider throttles this account's API calls; paused a second.",
                              wait=1.0),
    "Throttling.Api": Answer(THROTTLED, "The provider throttles the API; paused a second.", wait=1.0),
    "ServiceUnavailable": Answer(TRANSIENT, "The provider is unavailable; retried with backoff."),
    "InternalError": Answer(TRANSIENT, "The provider failed internally; retried with backoff."),
    "SignatureNonceUsed": Answer(TRANSIENT, "The provider saw this request's nonce before; retried."),
    "isv.MOBILE_NUMBER_ILLEGAL": Answer(MISCONFIGURED, "The contact's mobile number is not valid."),
    "isv.AMOUNT_NOT_ENOUGH": Answer(MISCONFIGURED, "The operator's provider account has no credit left."),
    "isv.SMS_SIGNATURE_ILLEGAL": Answer(MISCONFIGURED, "The operator's SMS signature is not approved."),
    "isv.SMS_TEMPLATE_ILLEGAL": Answer(MISCONFIGURED, "The operator's SMS template is not approved."),
    "InvalidAccessKeyId.NotFound": Answer(MISCONFIGURED, "The operator's provider AccessKey does not exist."),
    "SignatureDoesNotMatch": Answer(MISCONFIGURED, "The operator's provider AccessKey secret is wrong."),
}
UNKNOWN = Answer(MISCONFIGURED, "The provider refused the message with a code this console does not know.")
RETRYABLE_CODES = {code for code, answer in ANSWERS.items() if not answer.permanent}
TEMPLATE_VALUE_CHARS = 35  # Alibaba's limit on one template variable


def masked_number(number: str) -> str:
    return number[:3] + "****" + number[-4:] if len(number) >= 8 else "****"


def template_values(message) -> dict[str, str]:
    values = {field.label: field.value for field in message.fields}
    return {
        "workspace": values.get("Workspace", "")[:TEMPLATE_VALUE_CHARS],
        "event": values.get("Event type", "")[:TEMPLATE_VALUE_CHARS],
        "resource": values.get("Resource", "")[:TEMPLATE_VALUE_CHARS],
    }


class LoggingProvider:
    name = "logging"

    def send(self, kind: str, number: str, message, context: SendContext) -> SendResult:
        logger.info("%s to %s: %s", "text message" if kind == "sms" else "voice call", masked_number(number),
                    message.summary)
        return SendResult(request_url=f"log:{kind}:{masked_number(number)}",
                          detail="logged (TELEPHONY_PROVIDER=logging)")


def percent_encode(value: str) -> str:
    return quote(str(value), safe="~")


def rpc_signature(params: dict[str, str], secret: str, method: str = "GET") -> str:
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunProvider:
    name = "aliyun"

    def endpoint(self, kind: str) -> str:
        return settings.TELEPHONY_API_URL or PUBLIC_ENDPOINTS[kind]

    def action(self, kind: str, number: str, message) -> dict[str, str]:
        values = json.dumps(template_values(message), ensure_ascii=False)
        if kind == "sms":
            return {"Action": "SendSms", "PhoneNumbers": number, "SignName": settings.TELEPHONY_SIGN_NAME,
                    "TemplateCode": settings.TELEPHONY_SMS_TEMPLATE, "TemplateParam": values,
                    "OutId": message.event_id[:64]}
        return {"Action": "SingleCallByTts", "CalledNumber": number, "TtsCode": settings.TELEPHONY_VOICE_TEMPLATE,
                "TtsParam": values, "OutId": message.event_id[:64]}

    def signed_query(self, kind: str, number: str, message) -> str:
        params = {
            "AccessKeyId": settings.TELEPHONY_ACCESS_KEY_ID,
            "Format": "JSON",
            "RegionId": "cn-hangzhou",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "Timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": API_VERSION,
            **self.action(kind, number, message),
        }
        params["Signature"] = rpc_signature(params, settings.TELEPHONY_ACCESS_KEY_SECRET)
        return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in params.items())

    def send(self, kind: str, number: str, message, context: SendContext) -> SendResult:
        base = self.endpoint(kind)
        url = f"{base}{'&' if '?' in base else '?'}{self.signed_query(kind, number, message)}"
        shown = f"{base} ({'SendSms' if kind == 'sms' else 'SingleCallByTts'} to {masked_number(number)})"
        answer = http_send("GET", url, body=None, headers={"Accept": "application/json"}, masked_url=shown,
                           context=context.for_operator())  # the provider's API is the operator's
        data = json_body(answer) or {}
        code = str(data.get("Code", ""))
        body = trim(answer.text)
        if answer.status == 200 and code == "OK":
            return SendResult(request_url=shown, http_status=200, provider_code="OK", response_body=body,
                              detail=f"accepted, BizId {data.get('BizId') or data.get('CallId') or ''}".strip())
        decoded = ANSWERS.get(code) or http_status_answer(answer.status) or UNKNOWN
        message = f"{code or 'HTTP ' + str(answer.status)} {data.get('Message', '')}".strip()
        raise DeliveryError.decoded(decoded, message,
                                    http_status=answer.status, provider_code=code, response_body=body,
                                    request_url=shown)


PROVIDERS = {"logging": LoggingProvider, "aliyun": AliyunProvider}


def telephony_provider():
    try:
        return PROVIDERS[settings.TELEPHONY_PROVIDER]()
    except KeyError:
        raise DeliveryError(f"TELEPHONY_PROVIDER {settings.TELEPHONY_PROVIDER!r} is not one of "
                            f"{', '.join(PROVIDERS)}", permanent=True) from None


def telephony_send(kind: str, message, target_config: dict, context: SendContext | None) -> SendResult:
    number = (target_config.get("contact") or {}).get("mobile", "")
    if not number:
        raise DeliveryError("the contact has no mobile number", permanent=True)
    return telephony_provider().send(kind, number, message, context or SendContext())
