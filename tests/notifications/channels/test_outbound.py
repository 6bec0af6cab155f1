import socket
import threading

import pytest

from notifications.channels.base import DeliveryError, http_send
from notifications.channels.outbound import OutboundRefused, destination_check, outbound_request


@pytest.fixture
def no_allow_list(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    return settings


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://127.1.2.3:8080/x", "http://[::1]/", "http://localhost/",
    "http://169.254.169.254/latest/meta-data/", "http://10.0.0.5/", "http://192.168.1.1/", "http://172.16.0.1/",
    "http://0.0.0.0/", "http://224.0.0.1/", "http://240.0.0.1/", "http://[fe80::1]/", "http://[::ffff:127.0.0.1]/",
    "http://100.64.0.1/",
])
def test_loopback_private_link_local_multicast_and_reserved_addresses_are_refused(no_allow_list, url):
    with pytest.raises(OutboundRefused, match="may not reach"):
        destination_check(url)


def test_the_cloud_metadata_address_is_refused_even_through_an_adapter(no_allow_list):
    with pytest.raises(DeliveryError) as caught:
        http_send("GET", "http://169.254.169.254/latest/meta-data/", body=None, headers={}, masked_url="m")
    assert caught.value.permanent and "address not allowed" in caught.value.message


@pytest.mark.parametrize("url", ["ftp://example.com/", "file:///etc/passwd", "gopher://x/", "/relative", "http://"])
def test_only_http_and_https_urls_with_a_host_are_called(url):
    with pytest.raises(OutboundRefused):
        destination_check(url)


def test_the_allow_list_admits_loopback(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    assert destination_check("http://127.0.0.1:9/").address == "127.0.0.1"
    with pytest.raises(OutboundRefused):
        destination_check("http://127.0.0.2:9/")  # only what the list names


def test_loopback_is_refused_without_the_allow_list_before_any_connection(fake_http_receiver, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    with pytest.raises(OutboundRefused):
        outbound_request("POST", fake_http_receiver.base_url + "/hooks/x", body=b"{}")
    assert fake_http_receiver.requests == []


def test_a_redirect_is_not_followed_and_is_a_permanent_failure(fake_http_receiver):
    from notifications.channels.http.adapter import HttpAdapter
    from notifications.channels.message import message_example

    endpoint = fake_http_receiver.add_endpoint(secret="whsec_" + "a" * 44)
    fake_http_receiver.redirect_to(endpoint.url)
    with pytest.raises(DeliveryError) as caught:
        HttpAdapter().send(message_example(), {"url": endpoint.url}, {"signing_secret": "whsec_" + "a" * 44})
    assert (caught.value.http_status, caught.value.permanent) == (301, True)
    assert len(fake_http_receiver.requests) == 1


def test_the_connection_goes_to_the_address_that_was_checked(fake_http_receiver, monkeypatch):
    """DNS rebinding: the name answers 127.0.0.1 when checked and 10.0.0.1 afterwards; the request
    still reaches 127.0.0.1 because the checked address is the one connected to."""
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1"] + ["10.0.0.1"] * 10)

    def rebinding(host, port, *args, **kwargs):
        if host == "rebind.test":
            return real(next(answers), port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    endpoint = fake_http_receiver.add_endpoint(secret="whsec_" + "a" * 44)
    url = endpoint.url.replace("127.0.0.1", "rebind.test")
    answer = outbound_request("POST", url, body=b"{}", headers={"Content-Type": "application/cloudevents+json"})
    assert answer.status == 401  # reached the receiver (unsigned, so refused by it)
    assert fake_http_receiver.requests[0].headers["host"] == f"rebind.test:{fake_http_receiver.port}"


def test_a_receiver_that_never_answers_times_out_as_a_retryable_failure(outbound_to_fakes):
    outbound_to_fakes.OUTBOUND_READ_TIMEOUT = 0.3
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()
    try:
        with pytest.raises(DeliveryError) as caught:
            http_send("POST", f"http://127.0.0.1:{server.getsockname()[1]}/", body=b"{}", headers={}, masked_url="m")
        assert caught.value.permanent is False and "timed out" in caught.value.message
    finally:
        server.close()
        for conn, _ in accepted:
            conn.close()


def test_a_refused_connection_is_a_retryable_failure(outbound_to_fakes):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(DeliveryError) as caught:
        http_send("POST", f"http://127.0.0.1:{port}/", body=b"{}", headers={}, masked_url="m")
    assert caught.value.permanent is False and "connection failed" in caught.value.message
    # Worded for a reader: which host and why, not requests' nested repr of urllib3's pool error.
    assert caught.value.message == "connection failed: could not connect to 127.0.0.1 (Connection refused)"
    assert caught.value.reason == "connect"


def test_a_name_that_does_not_resolve_is_retried_not_dead_and_says_so_in_words():
    """A DNS failure may be a short outage: retried with backoff like a refused connection (the
    review's D-m12), and worded "could not reach <host> (DNS lookup failed)" without the errno."""
    with pytest.raises(DeliveryError) as caught:
        http_send("POST", "https://robot.invalid/send?access_token=secret", body=b"{}", headers={}, masked_url="m")
    error = caught.value
    assert (error.permanent, error.reason, error.host) == (False, "dns", "robot.invalid")
    assert error.message == "could not reach robot.invalid (DNS lookup failed)"


def test_keep_alive_reuses_one_connection(fake_http_receiver):
    for _ in range(3):
        outbound_request("POST", fake_http_receiver.base_url + "/hooks/none", body=b"{}")
    ports = {r.client_port for r in fake_http_receiver.requests}
    assert len(fake_http_receiver.requests) == 3 and len(ports) == 1


def test_a_resolver_that_does_not_answer_fails_the_lookup_within_the_connect_timeout(settings, monkeypatch):
    """getaddrinfo has no timeout: a send waits for the name at most OUTBOUND_CONNECT_TIMEOUT, then
    its lookup failed (retryable, reason "dns"), as curl's connect timeout covers the name."""
    import time

    release = []

    def silent_resolver(host, port, *args, **kwargs):
        for _ in range(100):  # 10 s, unless the test is over
            if release:
                break
            time.sleep(0.1)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", silent_resolver)
    settings.OUTBOUND_CONNECT_TIMEOUT = 0.5
    started = time.monotonic()
    try:
        with pytest.raises(OutboundRefused) as refused:
            destination_check("https://silent.example.com/hook")
        assert time.monotonic() - started < 3
    finally:
        release.append(True)
    assert refused.value.reason == "dns"
    assert str(refused.value) == "could not reach silent.example.com (DNS lookup failed)"
