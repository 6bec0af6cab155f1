"""HTTPS through the SSRF guard's pinned adapter, against a local TLS server with its own CA: the
connection goes to the checked address while SNI and the certificate check keep the URL's name;
a certificate for another name, or from an untrusted CA, is refused as a retryable failure."""

import datetime
import http.server
import socket
import ssl
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from notifications.channels.base import DeliveryError, http_send
from notifications.channels.outbound import outbound_request

HOST = "bot.tls.test"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: str, key, issuer_name: x509.Name, issuer_key, *, ca: bool, dns: tuple[str, ...] = ()):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if dns:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(d) for d in dns]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(obj) -> bytes:
    if isinstance(obj, x509.Certificate):
        return obj.public_bytes(serialization.Encoding.PEM)
    return obj.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A test CA, a server certificate for HOST and one for another name, as PEM files."""
    folder = tmp_path_factory.mktemp("pki")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("Test CA", ca_key, _name("Test CA"), ca_key, ca=True)
    (folder / "ca.pem").write_bytes(_pem(ca))
    for stem, names in (("right", (HOST,)), ("wrong", ("other.tls.test",))):
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _certificate(names[0], key, ca.subject, ca_key, ca=False, dns=names)
        (folder / f"{stem}.pem").write_bytes(_pem(cert) + _pem(ca))
        (folder / f"{stem}.key").write_bytes(_pem(key))
    return folder


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (the standard library's name)
        length = int(self.headers.get("Content-Length") or 0)
        self.server.received.append((self.headers.get("Host"), self.rfile.read(length)))
        body = b'{"errcode":0,"errmsg":"ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def tls_server(pki):
    """A TLS server on 127.0.0.1 presenting the certificate `start(stem)` names; it records the SNI
    name each handshake asked for and the requests it answered."""
    servers = []

    def start(stem: str):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(pki / f"{stem}.pem", pki / f"{stem}.key")
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.received, server.sni = [], []
        context.sni_callback = lambda sock, name, ctx: server.sni.append(name)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def rebinding_dns(monkeypatch):
    """HOST answers 127.0.0.1 when the guard checks it and 10.0.0.1 afterwards: a connection made by
    name instead of to the checked address would go elsewhere (and fail)."""
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1"] + ["10.0.0.1"] * 20)

    def resolve(host, port, *args, **kwargs):
        if host == HOST:
            return real(next(answers), port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


@pytest.fixture
def trusting_the_test_ca(settings, pki):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.OUTBOUND_CA_BUNDLE = str(pki / "ca.pem")
    return settings


def test_https_goes_to_the_checked_address_with_the_urls_name_for_sni_and_the_certificate(
    trusting_the_test_ca, tls_server, rebinding_dns
):
    server = tls_server("right")
    url = f"https://{HOST}:{server.server_address[1]}/robot/send?access_token=t0ken"

    answer = outbound_request("POST", url, body=b'{"msgtype":"text"}', headers={"Content-Type": "application/json"})

    assert answer.status == 200 and answer.text == '{"errcode":0,"errmsg":"ok"}'
    assert server.sni == [HOST]
    assert server.received == [(f"{HOST}:{server.server_address[1]}", b'{"msgtype":"text"}')]


def test_a_certificate_for_another_name_is_refused_as_a_retryable_failure(
    trusting_the_test_ca, tls_server, rebinding_dns
):
    server = tls_server("wrong")
    url = f"https://{HOST}:{server.server_address[1]}/robot/send?access_token=t0ken"

    with pytest.raises(DeliveryError) as caught:
        http_send("POST", url, body=b"{}", headers={}, masked_url="masked")

    assert not caught.value.permanent
    message = caught.value.message
    assert message.startswith("TLS handshake failed") and "doesn't match 'other.tls.test'" in message
    assert server.received == []


def test_a_certificate_from_an_untrusted_ca_is_refused(settings, tls_server, rebinding_dns):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.OUTBOUND_CA_BUNDLE = ""  # certifi's bundle: the test CA is not in it
    server = tls_server("right")
    url = f"https://{HOST}:{server.server_address[1]}/robot/send?access_token=t0ken"

    with pytest.raises(DeliveryError) as caught:
        http_send("POST", url, body=b"{}", headers={}, masked_url="masked")

    assert not caught.value.permanent and server.received == []


def test_a_missing_ca_bundle_file_is_a_system_check_error(settings, tmp_path):
    from console.checks import check_outbound_allowed_networks

    settings.OUTBOUND_CA_BUNDLE = str(tmp_path / "absent.pem")
    assert [message.id for message in check_outbound_allowed_networks()] == ["console.E004"]
    (tmp_path / "absent.pem").write_text("")
    assert check_outbound_allowed_networks() == []
