"""The platform's signing key and certificate chain: from PEM/DER files, a PKCS#12 archive, or a hardware security
module through PKCS#11 (the key never leaves the token) named in the configuration, else (the embedded default) a
self-signed development certificate made once into the instance folder. A document signed with the development
certificate says so in its signature's reason."""
from __future__ import annotations

import datetime as dt
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pkcs11.exceptions import UserAlreadyLoggedIn
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.keys import load_certs_from_pemder
from pyhanko.sign import pkcs11, signers

DEV_FOLDER = "signing"
DEV_KEY = "development-key.pem"
DEV_CERT = "development-cert.pem"
DEV_YEARS = 10


class SigningConfigError(Exception):
    """The configured key, certificate or archive cannot be read: the message names the setting."""


@dataclass(frozen=True)
class KeyFiles:
    key: str | None = None
    cert: str | None = None
    chain: tuple[str, ...] = ()
    key_password: str | None = None
    pkcs12: str | None = None
    pkcs12_password: str | None = None
    development: bool = False
    pkcs11_module: str | None = None           # the PKCS#11 module (a shared library) of the HSM
    pkcs11_token: str | None = None            # the token's label (None: the first token)
    pkcs11_pin: str | None = field(default=None, repr=False)
    pkcs11_pin_file: str | None = None
    pkcs11_key: str | None = None              # the private key's label
    pkcs11_cert: str | None = None             # the certificate's label (None: the key's)

    @property
    def pkcs11(self) -> bool:
        return bool(self.pkcs11_module)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def development_files(instance_path: str, platform: str, now: dt.datetime | None = None) -> KeyFiles:
    """The development key and self-signed certificate in `instance_path`/signing, made on first use."""
    folder = Path(instance_path) / DEV_FOLDER
    key_path, cert_path = folder / DEV_KEY, folder / DEV_CERT
    if not cert_path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        now = now or dt.datetime.now(dt.timezone.utc)
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([
            x509.NameAttribute(NameOID.COMMON_NAME, f"{platform} (development)"[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, platform),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        ])
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(minutes=5))
                .not_valid_after(now + dt.timedelta(days=365 * DEV_YEARS))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                             data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                             crl_sign=False, encipher_only=False, decipher_only=False),
                               critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION,
                                                      x509.ObjectIdentifier("1.2.840.113583.1.1.5")]),  # Adobe
                               critical=False)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                .sign(key, hashes.SHA256()))
        pem = serialization.Encoding.PEM
        pair = folder / f".pair.{os.getpid()}.{secrets.token_hex(4)}"
        pair.mkdir(mode=0o700)
        _write_private(pair / DEV_KEY, key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
        (pair / DEV_CERT).write_bytes(cert.public_bytes(pem))
        try:                       # the key first, then the certificate: its presence says the pair is complete
            os.link(pair / DEV_KEY, key_path)
            os.link(pair / DEV_CERT, cert_path)
        except FileExistsError:
            pass                   # another process made the pair first: theirs is used
        finally:
            for name in (DEV_KEY, DEV_CERT):
                (pair / name).unlink()
            pair.rmdir()
        for _ in range(50):        # the other process links its certificate right after its key
            if cert_path.exists():
                break
            time.sleep(0.1)
        else:
            raise SigningConfigError(f"{key_path} exists without {cert_path}: remove it to make a new pair")
    return KeyFiles(key=str(key_path), cert=str(cert_path), development=True)


def configured_files(config) -> KeyFiles | None:
    """The key material the configuration names (None: nothing configured, use the development certificate)."""
    if config.get("SIGNING_PKCS11_MODULE"):
        if not config.get("SIGNING_PKCS11_KEY"):
            raise SigningConfigError("ARBITRATION_SIGNING_PKCS11_KEY (the key's label on the token) is required "
                                     "with ARBITRATION_SIGNING_PKCS11_MODULE")
        return KeyFiles(pkcs11_module=config["SIGNING_PKCS11_MODULE"], pkcs11_token=config.get("SIGNING_PKCS11_TOKEN"),
                        pkcs11_pin=config.get("SIGNING_PKCS11_PIN"),
                        pkcs11_pin_file=config.get("SIGNING_PKCS11_PIN_FILE"),
                        pkcs11_key=config["SIGNING_PKCS11_KEY"], pkcs11_cert=config.get("SIGNING_PKCS11_CERT"),
                        chain=tuple(config.get("SIGNING_CHAIN") or ()))
    if config.get("SIGNING_PKCS12"):
        return KeyFiles(pkcs12=config["SIGNING_PKCS12"], pkcs12_password=config.get("SIGNING_PKCS12_PASSWORD"),
                        chain=tuple(config.get("SIGNING_CHAIN") or ()))
    if config.get("SIGNING_KEY") or config.get("SIGNING_CERT"):
        if not (config.get("SIGNING_KEY") and config.get("SIGNING_CERT")):
            raise SigningConfigError("ARBITRATION_SIGNING_KEY and ARBITRATION_SIGNING_CERT are set together")
        return KeyFiles(key=config["SIGNING_KEY"], cert=config["SIGNING_CERT"],
                        chain=tuple(config.get("SIGNING_CHAIN") or ()),
                        key_password=config.get("SIGNING_KEY_PASSWORD"))
    return None


def load_signer(files: KeyFiles):
    """A pyHanko signer for the files (SigningConfigError naming the setting when they cannot be read)."""

    for path, setting in ((files.pkcs12, "SIGNING_PKCS12"), (files.key, "SIGNING_KEY"),
                          (files.cert, "SIGNING_CERT"), (files.pkcs11_module, "SIGNING_PKCS11_MODULE"),
                          (files.pkcs11_pin_file, "SIGNING_PKCS11_PIN_FILE"),
                          *((c, "SIGNING_CHAIN") for c in files.chain)):
        if path and not os.path.isfile(path):
            raise SigningConfigError(f"ARBITRATION_{setting}: no file {path}")
    if files.pkcs11:
        return _pkcs11_signer(files)
    if files.pkcs12:
        password = files.pkcs12_password.encode() if files.pkcs12_password else None
        signer = signers.SimpleSigner.load_pkcs12(files.pkcs12, ca_chain_files=list(files.chain) or None,
                                                  passphrase=password)
    else:
        password = files.key_password.encode() if files.key_password else None
        signer = signers.SimpleSigner.load(files.key, files.cert, ca_chain_files=list(files.chain) or None,
                                           key_passphrase=password)
    if signer is None:
        raise SigningConfigError("the signing key or certificate cannot be read (wrong password or format?)")
    return signer


def _pkcs11_signer(files: KeyFiles):
    """A signer whose key stays in the HSM: one logged-in session per process, kept open with the signer (the
    caller caches it; pades serialises its use, a PKCS#11 session does one operation at a time)."""
    pin = files.pkcs11_pin
    if files.pkcs11_pin_file:
        with open(files.pkcs11_pin_file, encoding="utf-8") as fh:
            pin = fh.read().strip()
    criteria = TokenCriteria(label=files.pkcs11_token) if files.pkcs11_token else None
    chain = list(load_certs_from_pemder(list(files.chain))) if files.chain else None
    try:
        try:
            session = pkcs11.open_pkcs11_session(files.pkcs11_module, token_criteria=criteria, user_pin=pin)
        except UserAlreadyLoggedIn:     # PKCS#11 logs in per process: another session of this process did already
            session = pkcs11.open_pkcs11_session(files.pkcs11_module, token_criteria=criteria)
        signer = pkcs11.PKCS11Signer(session, key_label=files.pkcs11_key,
                                     cert_label=files.pkcs11_cert or files.pkcs11_key, ca_chain=chain)
        signer.signing_cert                     # the certificate and key are looked up now, not at the first document
    except Exception as err:                    # the module's and the token's errors have no common base class
        raise SigningConfigError(f"the PKCS#11 token does not give the signing key and certificate "
                                 f"(ARBITRATION_SIGNING_PKCS11_*): {type(err).__name__}: {err}") from err
    return signer
