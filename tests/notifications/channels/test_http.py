import base64
import json

import pytest

from notifications.channels.base import DeliveryError
from notifications.channels.http.adapter import HttpAdapter, signature
from notifications.channels.message import message_example

SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()


def test_the_envelope_is_posted_as_cloudevents_with_a_standard_webhooks_signature(fake_http_receiver):
    endpoint = fake_http_receiver.add_endpoint(secret=SECRET)
    message = message_example()
    result = HttpAdapter().send(message, {"url": endpoint.url}, {"signing_secret": SECRET})
    assert result.http_status == 204
    [received] = fake_http_receiver.accepted
    assert received.headers["content-type"] == "application/cloudevents+json; charset=utf-8"
    assert received.headers["webhook-id"] == message.event_id
    assert received.headers["webhook-signature"].startswith("v1,")
    assert json.loads(received.body) == message.envelope


def test_the_webhook_id_is_the_same_on_every_retry(fake_http_receiver):
    endpoint = fake_http_receiver.add_endpoint(secret=SECRET)
    message = message_example()
    fake_http_receiver.answer_status(503)
    with pytest.raises(DeliveryError):
        HttpAdapter().send(message, {"url": endpoint.url}, {"signing_secret": SECRET})
    HttpAdapter().send(message, {"url": endpoint.url}, {"signing_secret": SECRET})
    assert {r.headers["webhook-id"] for r in fake_http_receiver.requests} == {message.event_id}


def test_the_signature_covers_id_timestamp_and_body_with_the_decoded_secret():
    import hashlib
    import hmac

    body = b'{"a":1}'
    expected = base64.b64encode(hmac.new(b"k" * 32, b"msg_1.1700000000." + body, hashlib.sha256).digest()).decode()
    assert signature(SECRET, "msg_1", 1700000000, body) == f"v1,{expected}"


def test_a_wrong_secret_is_refused_by_the_receiver_and_is_permanent(fake_http_receiver):
    endpoint = fake_http_receiver.add_endpoint(secret=SECRET)
    other = "whsec_" + base64.b64encode(b"z" * 32).decode()
    with pytest.raises(DeliveryError) as caught:
        HttpAdapter().send(message_example(), {"url": endpoint.url}, {"signing_secret": other})
    assert (caught.value.http_status, caught.value.permanent) == (401, True)
    assert fake_http_receiver.requests[0].extra["refused"] == "signature mismatch"


@pytest.mark.parametrize(("status", "permanent"), [(500, False), (503, False), (408, False), (429, False),
                                                   (400, True), (404, True), (410, True)])
def test_status_codes_are_judged(fake_http_receiver, status, permanent):
    endpoint = fake_http_receiver.add_endpoint(secret=SECRET)
    fake_http_receiver.answer_status(status)
    with pytest.raises(DeliveryError) as caught:
        HttpAdapter().send(message_example(), {"url": endpoint.url}, {"signing_secret": SECRET})
    assert (caught.value.http_status, caught.value.permanent) == (status, permanent)


def test_any_2xx_is_success(fake_http_receiver):
    endpoint = fake_http_receiver.add_endpoint(secret=SECRET)
    fake_http_receiver.answer_status(202)
    assert HttpAdapter().send(message_example(), {"url": endpoint.url}, {"signing_secret": SECRET}).http_status == 202
