"""A fake Alibaba Cloud SMS / VMS endpoint: `SendSms` and `SingleCallByTts` over GET with the RPC
signature (HMAC-SHA1 of `GET&%2F&<percent-encoded sorted query>`, key = secret + "&"), checked as
Alibaba checks it. Answers `{"Code": "OK", ...}`, or an error Code.

    fake = FakeAliyunTelephony(access_key_id="id", access_key_secret="secret").start()
    fake.fail_with_code("isv.BUSINESS_LIMIT_CONTROL", times=1)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections import deque
from urllib.parse import quote

from .base import Answer, FakeServer, RecordedRequest


def _encode(value: str) -> str:
    return quote(str(value), safe="~")


def expected_signature(query: dict[str, str], secret: str) -> str:
    params = {k: v for k, v in query.items() if k != "Signature"}
    canonical = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(params.items()))
    string_to_sign = f"GET&{_encode('/')}&{_encode(canonical)}"
    return base64.b64encode(hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()).decode()


class FakeAliyunTelephony(FakeServer):
    name = "aliyun-telephony"

    def __init__(self, *, access_key_id: str, access_key_secret: str):
        super().__init__()
        self.access_key_id, self.access_key_secret = access_key_id, access_key_secret
        self._codes: deque[str] = deque()

    def fail_with_code(self, code: str, times: int = 1) -> None:
        with self.lock:
            self._codes.extend([code] * times)

    def answer(self, request: RecordedRequest) -> Answer:
        query, request_id = request.query, str(uuid.uuid4()).upper()
        if query.get("AccessKeyId") != self.access_key_id:
            return Answer(404, {"Code": "InvalidAccessKeyId.NotFound", "Message": "Specified access key is not found.",
                                "RequestId": request_id})
        if query.get("Signature") != expected_signature(query, self.access_key_secret):
            return Answer(400, {"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched "
                                "with our calculation.", "RequestId": request_id})
        if self._codes:
            code = self._codes.popleft()
            return Answer(200, {"Code": code, "Message": "injected", "RequestId": request_id})
        action = query.get("Action")
        if action == "SendSms" and query.get("PhoneNumbers"):
            return Answer(200, {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0",
                                "RequestId": request_id}, accepted=True)
        if action == "SingleCallByTts" and query.get("CalledNumber"):
            return Answer(200, {"Code": "OK", "Message": "OK", "CallId": "116012354148^10281378",
                                "RequestId": request_id}, accepted=True)
        return Answer(400, {"Code": "MissingParameter", "Message": "missing", "RequestId": request_id})
