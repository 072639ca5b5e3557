"""A real RFC 3161 time stamping authority on 127.0.0.1 for the tests: its own test CA (a root and a TSA
certificate with the critical timeStamping usage, made with `cryptography`), pyHanko's TSA responder
(DummyTimeStamper) behind http.server in a thread. `down()` makes it answer 503 (an authority out of service)."""
from __future__ import annotations

import asyncio
import datetime as dt
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys, tsp, x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _cert(subject: str, key, issuer_name, issuer_key, *, ca: bool, tsa: bool = False):
    now = dt.datetime.now(dt.timezone.utc)
    b = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
         .issuer_name(issuer_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if ca:
        b = b.add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
    if tsa:
        b = b.add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    return b.sign(issuer_key, hashes.SHA256())


@dataclass
class LocalTsa:
    folder: Path
    url: str = ""
    ca_file: str = ""
    available: bool = True
    requests: int = 0
    _server: ThreadingHTTPServer | None = field(default=None, repr=False)

    def down(self):
        self.available = False

    def up(self):
        self.available = True

    def start(self) -> "LocalTsa":
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        root_key = ec.generate_private_key(ec.SECP256R1())
        tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)   # pyHanko's responder: RSA
        root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA Root CA")])
        root = _cert("Test TSA Root CA", root_key, root_name, root_key, ca=True)
        tsa_cert = _cert("Test Time Stamping Authority", tsa_key, root_name, root_key, ca=False, tsa=True)
        pem = serialization.Encoding.PEM
        self.folder.mkdir(parents=True, exist_ok=True)
        self.ca_file = str(self.folder / "tsa-root.pem")
        Path(self.ca_file).write_bytes(root.public_bytes(pem))
        der = serialization.Encoding.DER
        stamper = DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(tsa_cert.public_bytes(der)),
            tsa_key=asn1_keys.PrivateKeyInfo.load(tsa_key.private_bytes(
                der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
            certs_to_embed=[asn1_x509.Certificate.load(root.public_bytes(der))])
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                tsa.requests += 1
                if not tsa.available:
                    self.send_response(503)
                    self.end_headers()
                    return
                res = asyncio.run(stamper.async_request_tsa_response(tsp.TimeStampReq.load(body)))
                out = res.dump()
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/tsa"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()


@pytest.fixture(scope="module", name="local_tsa")
def local_tsa_fixture(tmp_path_factory):
    tsa = LocalTsa(tmp_path_factory.mktemp("tsa")).start()
    yield tsa
    tsa.stop()


@pytest.fixture(name="with_tsa")
def with_tsa_fixture(config, local_tsa):
    """The app uses the local authority (and trusts its test CA) for this test."""
    local_tsa.up()
    config.update(TSA_URL=local_tsa.url, TSA_CA=(local_tsa.ca_file,))
    return local_tsa


if __name__ == "__main__":      # a TSA in a process of its own (bench/sign_ruling.py): prints its URL, serves
    import sys
    import time

    server = LocalTsa(Path(sys.argv[1])).start()
    print(server.url, server.ca_file, flush=True)
    while True:
        time.sleep(3600)
