"""A fake PAI-EAS API for UpdateService (PROTOCOLS.md 4.5):
`PUT /api/v2/services/{region}/{name}` with a service-config JSON body.

    fake = FakeEasApi(token="t0k").start()
    fake.add_service("cn-shanghai", "web-svc")
    settings.EAS_API_URL = fake.base_url
"""

from __future__ import annotations

import uuid

from .base import Answer, FakeServer, RecordedRequest


class FakeEasApi(FakeServer):
    name = "eas-api"

    def __init__(self, *, token: str = ""):
        super().__init__()
        self.token = token
        self.services: dict[tuple[str, str], dict] = {}

    def add_service(self, region: str, name: str, config: dict | None = None) -> None:
        self.services[(region, name)] = dict(config or {"name": name})

    def updates(self) -> list[RecordedRequest]:
        return self.accepted

    def answer(self, request: RecordedRequest) -> Answer:
        request_id = str(uuid.uuid4()).upper()
        parts = request.path.strip("/").split("/")
        if request.method != "PUT" or len(parts) != 5 or parts[:3] != ["api", "v2", "services"]:
            return Answer(404, {"RequestId": request_id, "Code": "NotFound", "Message": "no such API"})
        if self.token and request.headers.get("authorization") != self.token:
            return Answer(401, {"RequestId": request_id, "Code": "Unauthorized", "Message": "bad token"})
        region, name = parts[3], parts[4]
        if (region, name) not in self.services:
            return Answer(404, {"RequestId": request_id, "Code": "ServiceNotFound",
                                "Message": f"service [{name}] not found in region [{region}]"})
        body = request.json
        if not isinstance(body, dict):
            return Answer(400, {"RequestId": request_id, "Code": "InvalidParameter", "Message": "bad body"})
        if request.query.get("UpdateType", "merge") == "replace":
            self.services[(region, name)] = body
        else:
            self.services[(region, name)].update(body)
        return Answer(200, {"RequestId": request_id,
                            "Message": f"Succeed to update service [{name}] in region [{region}]"}, accepted=True)
