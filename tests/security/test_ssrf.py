"""The SSRF guard (notifications/channels/outbound.py), tried from outside: every outbound URL is
resolved once, connected to the address that was checked, refused when internal unless the
allow-list admits it, never redirected, and cut off by hard timeouts."""

import http.server
import socket
import threading
import time
from contextlib import contextmanager, suppress

import pytest

from notifications.channels.outbound import OutboundRefused, destination_check, outbound_request


class _Handler(http.server.BaseHTTPRequestHandler):
    disable_nagle_algorithm = True
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.seen.append((self.path, self.headers.get("Host"), self.headers.get("Cookie")))
        behaviour = self.server.behaviour
        if self.path.startswith("/redirect"):
            self._answer(302, b"", {"Location": f"http://127.0.0.1:{self.server.server_port}/secret"})
        elif self.path.startswith("/cookie"):
            self._answer(200, b"ok", {"Set-Cookie": "session=stolen; Path=/"})
        elif self.path.startswith("/hang"):
            time.sleep(behaviour.get("hang", 5))
            self._answer(200, b"late")
        elif self.path.startswith("/trickle"):
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            for _ in range(100):
                try:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.1)
        elif self.path.startswith("/huge"):
            body = b"y" * (5 * 1024 * 1024)
            self._answer(200, body)
        else:
            self._answer(200, b"ok")

    do_POST = do_GET

    def _answer(self, status, body, headers=None):
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with suppress(OSError):
            self.wfile.write(body)


@contextmanager
def local_server(**behaviour):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.seen = []
    server.behaviour = behaviour
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def loopback_admitted(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    return settings


@pytest.fixture
def fake_dns(monkeypatch):
    """A resolver answering from a table (DNS is outside the machine); counts the lookups."""
    table: dict[str, list[list[str]]] = {}
    lookups: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in table:
            lookups.append(host)
            answers = table[host].pop(0) if len(table[host]) > 1 else table[host][0]
            return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                    for a in answers]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return table, lookups


INTERNAL_URLS = [
    "http://127.0.0.1/", "http://127.1.2.3:8080/", "http://localhost/", "http://[::1]/",
    "http://0.0.0.0/", "http://[::]/", "http://10.0.0.5/", "http://172.16.3.4/", "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://[fc00::1]/",
    "http://224.0.0.1/", "http://[ff02::1]/", "http://240.0.0.1/", "http://255.255.255.255/",
    "http://100.64.0.1/", "http://198.18.0.1/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:169.254.169.254]/",
    "http://2130706433/", "http://0x7f000001/", "http://017700000001/", "http://127.1/",
]


@pytest.mark.parametrize("url", INTERNAL_URLS)
def test_internal_addresses_are_refused_whatever_their_spelling(settings, url):
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    with pytest.raises(OutboundRefused):
        destination_check(url)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "ftp://example.com/",
                                 "dict://127.0.0.1:6379/", "//example.com/x", "http:///nohost", "http://[::1/"])
def test_only_http_and_https_urls_with_a_host_are_called(url):
    with pytest.raises(OutboundRefused):
        destination_check(url)


def test_the_allow_list_admits_exactly_the_networks_it_names(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    assert destination_check("http://127.0.0.1:9/").address == "127.0.0.1"
    for url in ("http://127.0.0.2/", "http://10.0.0.1/", "http://169.254.169.254/", "http://[::1]/"):
        with pytest.raises(OutboundRefused):
            destination_check(url)


def test_a_name_with_one_public_and_one_internal_address_is_refused(settings, fake_dns):
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    table, _ = fake_dns
    table["mixed.example"] = [["93.184.216.34", "169.254.169.254"]]
    with pytest.raises(OutboundRefused, match="address not allowed") as refused:
        destination_check("https://mixed.example/hook")
    assert "169.254" not in str(refused.value)  # what a name resolves to is never told (F14)


def test_the_connection_goes_to_the_checked_address_not_a_second_dns_answer(loopback_admitted, fake_dns):
    """DNS rebinding: the first answer is admitted, every later one is the metadata service."""
    table, lookups = fake_dns
    with local_server() as server:
        table["rebind.example"] = [["127.0.0.1"], ["169.254.169.254"]]
        answer = outbound_request("POST", f"http://rebind.example:{server.server_port}/hook", body=b"{}",
                                  timeout=(1, 2))
    assert answer.status == 200
    assert lookups == ["rebind.example"]  # resolved once, by the guard
    assert server.seen[0][1] == f"rebind.example:{server.server_port}"  # the Host header keeps the name


def test_redirects_are_never_followed(loopback_admitted):
    with local_server() as server:
        answer = outbound_request("POST", f"http://127.0.0.1:{server.server_port}/redirect", body=b"{}")
    assert answer.status == 302
    assert [path for path, _, _ in server.seen] == ["/redirect"]


def test_a_receiver_that_never_answers_is_cut_off_by_the_read_timeout(loopback_admitted):
    import requests

    with local_server(hang=5) as server:
        started = time.monotonic()
        with pytest.raises(requests.Timeout):
            outbound_request("POST", f"http://127.0.0.1:{server.server_port}/hang", body=b"{}", timeout=(1, 0.5))
        assert time.monotonic() - started < 2


def test_a_receiver_that_trickles_its_answer_is_cut_off_by_the_total_deadline(loopback_admitted):
    import requests

    with local_server() as server:
        started = time.monotonic()
        with pytest.raises(requests.Timeout):
            outbound_request("POST", f"http://127.0.0.1:{server.server_port}/trickle", body=b"{}",
                             timeout=(1, 1), total_timeout=1.0)
        assert time.monotonic() - started < 3  # not the 10 s the trickle would take


def test_an_unreachable_port_fails_within_the_connect_timeout(loopback_admitted):
    import requests

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, not listening: connection refused
        started = time.monotonic()
        with pytest.raises(requests.ConnectionError):
            outbound_request("POST", f"http://127.0.0.1:{port}/", body=b"{}", timeout=(1, 1))
    assert time.monotonic() - started < 2


def test_a_huge_answer_is_read_only_up_to_the_cap(loopback_admitted):
    from notifications.channels.outbound import MAX_ANSWER_BYTES

    with local_server() as server:
        answer = outbound_request("GET", f"http://127.0.0.1:{server.server_port}/huge")
    assert answer.status == 200 and len(answer.body) <= MAX_ANSWER_BYTES


def test_a_cookie_set_by_one_receiver_never_travels_to_another(loopback_admitted):
    with local_server() as server:
        base = f"http://127.0.0.1:{server.server_port}"
        outbound_request("GET", f"{base}/cookie")
        outbound_request("GET", f"{base}/plain")
    assert [cookie for _, _, cookie in server.seen] == [None, None]


def test_proxy_environment_variables_cannot_route_around_the_guard(loopback_admitted, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://10.9.9.9:3128")
    monkeypatch.setenv("http_proxy", "http://10.9.9.9:3128")
    with local_server() as server:
        answer = outbound_request("GET", f"http://127.0.0.1:{server.server_port}/direct", timeout=(1, 1))
    assert answer.status == 200 and server.seen[0][0] == "/direct"


def test_internal_addresses_are_refused_before_any_byte_is_sent(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    with local_server() as server, pytest.raises(OutboundRefused):
        outbound_request("POST", f"http://127.0.0.1:{server.server_port}/", body=b"{}")
    assert server.seen == []


# --- the guard as the channels meet it: a refused destination is a permanent failure, never a send


WHSEC = "whsec_" + "c3NyZi10ZXN0LXNpZ25pbmcta2V5LTMyLWJ5dGVzIQ=="


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/hook",
                                 "http://[::1]:8080/hook", "http://127.0.0.1:6379/"])
def test_an_http_target_on_an_internal_address_fails_permanently_without_sending(settings, url):
    from notifications.channels.base import DeliveryError, SendContext
    from notifications.channels.message import message_example
    from notifications.channels.registry import get_channel

    settings.OUTBOUND_ALLOWED_NETWORKS = []
    with pytest.raises(DeliveryError) as refused:
        get_channel("http").adapter.send(message_example(), {"url": url}, {"signing_secret": WHSEC}, SendContext())
    assert refused.value.permanent is True
    assert "may not reach" in refused.value.message or "refused" in refused.value.message.lower()


def test_a_chat_webhook_on_an_admitted_host_is_still_checked_by_address(settings):
    """WEBHOOK_EXTRA_HOSTS admits a host name as a webhook; the address it resolves to must still pass."""
    from notifications.channels.base import DeliveryError, SendContext
    from notifications.channels.message import message_example
    from notifications.channels.registry import get_channel

    settings.WEBHOOK_EXTRA_HOSTS = ["127.0.0.1", "localhost"]
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    with local_server() as server:
        webhook = f"http://127.0.0.1:{server.server_port}/robot/send?access_token=abc"
        with pytest.raises(DeliveryError) as refused:
            get_channel("dingtalk").adapter.send(message_example(), {}, {"webhook": webhook}, SendContext())
    assert refused.value.permanent is True and "address not allowed" in refused.value.message and server.seen == []


def test_the_eas_api_on_an_internal_address_is_refused(settings, activated_workspace, owner):
    from notifications.channels.base import DeliveryError, SendContext
    from notifications.channels.message import message_example
    from notifications.channels.registry import get_channel
    from workspaces.models import EasService, Model, ModelVersion

    settings.OUTBOUND_ALLOWED_NETWORKS = []
    settings.EAS_API_URL, settings.EAS_API_TOKEN = "http://169.254.169.254", "token"
    from dataclasses import replace

    model = Model.objects.create(workspace=activated_workspace, name="m", created_by=owner)
    current = ModelVersion.objects.create(model=model, version_name="1", approval_status="Approved")
    approved = ModelVersion.objects.create(model=model, version_name="2", approval_status="Approved")
    service = EasService.objects.create(workspace=activated_workspace, name="svc", model_version=current)
    example = message_example()
    message = replace(example, envelope={**example.envelope, "data": {"versionId": approved.pk}})
    with pytest.raises(DeliveryError) as refused:
        get_channel("eas_update").adapter.send(message, {"eas_service_id": service.pk}, {},
                                               SendContext(delivery_id=1, event_origin="platform"))
    assert refused.value.permanent is True and "address not allowed" in refused.value.message


@pytest.mark.parametrize("address", [
    "2002:7f00:1::1",  # 6to4 wrapping 127.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 wrapping 169.254.169.254
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "::ffff:192.168.1.1",  # IPv4-mapped
    "2001:0:4136:e378:8000:63bf:f5fe:fffe",  # Teredo whose client is 10.1.0.1 (obfuscated)
])
def test_an_ipv6_address_wrapping_an_internal_ipv4_address_is_judged_by_the_ipv4_address(address):
    import ipaddress

    from notifications.channels.outbound import address_is_public

    assert not address_is_public(ipaddress.ip_address(address))


def test_a_public_6to4_address_stays_public():
    import ipaddress

    from notifications.channels.outbound import address_is_public

    assert address_is_public(ipaddress.ip_address("2002:808:808::1"))  # 6to4 of 8.8.8.8
