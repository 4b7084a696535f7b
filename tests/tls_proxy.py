"""A small TLS-terminating reverse proxy on loopback, as a real deployment puts in front of OnsPlan.

It accepts HTTPS with a fresh self-signed certificate, replaces any X-Forwarded-* headers the
client sent with its own (the client's address, https, the host the client asked for), and
forwards one request per connection to the app over plain HTTP.
"""
from __future__ import annotations

import datetime
import http.client
import ipaddress
import socket
import ssl
import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from waitress.server import create_server

from webapp.cli import waitress_options

FORWARDED = (b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host", b"x-forwarded-port", b"forwarded")


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "proxy.pem", folder / "proxy.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class TLSProxy:
    """https://127.0.0.1:<port> in front of http://127.0.0.1:<upstream_port>."""

    def __init__(self, upstream_port: int, folder: Path):
        self.upstream_port = upstream_port
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(*self_signed(folder))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"https://127.0.0.1:{self.port}"
        self._running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while self._running:
            try:
                raw, address = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(raw, address[0]), daemon=True).start()

    def _serve(self, raw: socket.socket, client_ip: str) -> None:
        try:
            with self.context.wrap_socket(raw, server_side=True) as client:
                head, body = _read_request(client)
                if head is None:
                    return
                request = _rewrite(head, client_ip, f"127.0.0.1:{self.port}") + body
                with socket.create_connection(("127.0.0.1", self.upstream_port)) as upstream:
                    upstream.sendall(request)
                    while chunk := upstream.recv(65536):
                        client.sendall(chunk)
        except (OSError, ssl.SSLError):
            pass

    def stop(self) -> None:
        self._running = False
        self.listener.close()


def _read_request(sock) -> tuple[bytes | None, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None, b""
        data += chunk
    head, _sep, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _colon, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head, body


def _rewrite(head: bytes, client_ip: str, host: str) -> bytes:
    lines = head.split(b"\r\n")
    kept = [line for line in lines[1:]
            if line.split(b":", 1)[0].strip().lower() not in (*FORWARDED, b"connection", b"keep-alive")]
    kept += [b"X-Forwarded-For: " + client_ip.encode(), b"X-Forwarded-Proto: https",
             b"X-Forwarded-Host: " + host.encode(), b"Connection: close"]
    return b"\r\n".join([lines[0], *kept]) + b"\r\n\r\n"


class Deployment:
    """The family space on waitress (``onsplan serve`` settings) with a TLS proxy in front."""

    def __init__(self, app, folder):
        config = app.config["ONSPLAN"]
        options = {**waitress_options(config), "host": "127.0.0.1", "port": 0}
        self.server = create_server(app, **options)
        threading.Thread(target=self.server.run, daemon=True).start()
        self.proxy = TLSProxy(self.server.effective_port, folder)

    def connection(self, source_ip: str = "127.0.0.1") -> http.client.HTTPSConnection:
        """A client on its own loopback address (the whole 127.0.0.0/8 is this machine)."""
        return http.client.HTTPSConnection("127.0.0.1", self.proxy.port, source_address=(source_ip, 0),
                                           context=ssl._create_unverified_context())  # noqa: S323 (test certificate)

    def stop(self):
        self.proxy.stop()
        self.server.close()
