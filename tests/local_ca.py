"""A test CA that publishes revocation data on 127.0.0.1: a root (made with `cryptography`), a platform signing
certificate whose CRL distribution point is `http://127.0.0.1:<port>/ca.crl`, and that CRL (empty: nothing revoked)
served by http.server in a thread. `unreachable=True` names a port where nothing listens (a source that is down)."""
from __future__ import annotations

import datetime as dt
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SIGNER = "卡盟争议仲裁平台（CA 签发）"


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LocalCa:
    folder: Path
    unreachable: bool = False
    crl_url: str = ""
    key_file: str = ""
    cert_file: str = ""
    root_file: str = ""
    crl_der: bytes = b""
    requests: int = 0
    _server: ThreadingHTTPServer | None = field(default=None, repr=False)

    def start(self) -> "LocalCa":
        ca = self
        if not self.unreachable:
            class Handler(BaseHTTPRequestHandler):
                def do_GET(self):
                    ca.requests += 1
                    if self.path != "/ca.crl":
                        self.send_response(404)
                        self.end_headers()
                        return
                    self.send_response(200)
                    self.send_header("Content-Type", "application/pkix-crl")
                    self.send_header("Content-Length", str(len(ca.crl_der)))
                    self.end_headers()
                    self.wfile.write(ca.crl_der)

                def log_message(self, *args):
                    pass

            self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
            port = self._server.server_address[1]
        else:
            port = _free_port()
        self.crl_url = f"http://127.0.0.1:{port}/ca.crl"
        self._issue()
        if self._server:
            threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def _issue(self) -> None:
        now = dt.datetime.now(dt.timezone.utc)
        root_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
        root_name = _name("Test Platform Root CA")
        root = (x509.CertificateBuilder().subject_name(root_name).issuer_name(root_name)
                .public_key(root_key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                               critical=True)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
                .sign(root_key, hashes.SHA256()))
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(self.crl_url)], None, None, None)
        cert = (x509.CertificateBuilder().subject_name(_name(SIGNER)).issuer_name(root_name)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False),
                               critical=True)
                .add_extension(x509.CRLDistributionPoints([point]), critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
                               critical=False)
                .sign(root_key, hashes.SHA256()))
        crl = (x509.CertificateRevocationListBuilder().issuer_name(root_name)
               .last_update(now - dt.timedelta(minutes=5)).next_update(now + dt.timedelta(days=7))
               .add_extension(x509.CRLNumber(1), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
                              critical=False)
               .sign(root_key, hashes.SHA256()))
        self.crl_der = crl.public_bytes(serialization.Encoding.DER)
        pem = serialization.Encoding.PEM
        self.folder.mkdir(parents=True, exist_ok=True)
        self.key_file, self.cert_file = str(self.folder / "platform-key.pem"), str(self.folder / "platform-cert.pem")
        self.root_file = str(self.folder / "platform-root.pem")
        Path(self.key_file).write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                          serialization.NoEncryption()))
        Path(self.cert_file).write_bytes(cert.public_bytes(pem))
        Path(self.root_file).write_bytes(root.public_bytes(pem))

    def configure(self, config) -> None:
        """The app signs with this CA's certificate (key and chain from files)."""
        config.update(SIGNING_KEY=self.key_file, SIGNING_CERT=self.cert_file, SIGNING_CHAIN=(self.root_file,))

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
