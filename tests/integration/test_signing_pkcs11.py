"""Signing with a key in a hardware security module (issue 20), tested with SoftHSM2 (Debian `softhsm2`; `make test`
installs it): a token made in a temporary folder, an RSA key and its certificate imported with python-pkcs11, the
app configured for PKCS#11 (module, token label, PIN from a file, key label); an issued ruling is signed by the token,
timestamped, and checks as valid with pyHanko's validator."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import pkcs11 as p11
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pkcs11.util.rsa import decode_rsa_private_key

from arbitration.rulings import pdf as ruling_pdfs
from arbitration.signing import service as signing
from arbitration.signing.keys import SigningConfigError
from arbitration.signing.verify import ABSENT, OK
from tests.factories import make_case
from tests.integration.test_rulings import rule
from tests.local_tsa import local_tsa_fixture, with_tsa_fixture  # noqa: F401  (fixtures)

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN, PIN, LABEL = "platform-hsm", "246810", "platform-signing"
SIGNER = "卡盟争议仲裁平台（HSM）"


def _self_signed(key) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SIGNER)])
    now = dt.datetime.now(dt.timezone.utc)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))


@pytest.fixture(scope="module")
def softhsm(tmp_path_factory):
    """A SoftHSM token holding the platform's key (not extractable) and certificate. The module reads SOFTHSM2_CONF
    once per process, when first loaded: this module's token is the process's."""
    if not os.path.isfile(MODULE):
        pytest.skip(f"SoftHSM2's PKCS#11 module {MODULE} is missing (Debian package softhsm2; `make test` installs it)")
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    saved = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run([shutil.which("softhsm2-util") or "softhsm2-util", "--init-token", "--free", "--label", TOKEN,
                    "--pin", PIN, "--so-pin", "13579"], check=True, capture_output=True, timeout=60)
    key = rsa.generate_private_key(65537, 2048)
    cert = _self_signed(key)
    token = p11.lib(MODULE).get_token(token_label=TOKEN)
    with token.open(rw=True, user_pin=PIN) as session:
        attrs = decode_rsa_private_key(key.private_bytes(serialization.Encoding.DER,
                                                         serialization.PrivateFormat.TraditionalOpenSSL,
                                                         serialization.NoEncryption()))
        attrs.update({p11.Attribute.LABEL: LABEL, p11.Attribute.ID: b"\x01", p11.Attribute.TOKEN: True,
                      p11.Attribute.SIGN: True, p11.Attribute.PRIVATE: True, p11.Attribute.SENSITIVE: True,
                      p11.Attribute.EXTRACTABLE: False})
        session.create_object(attrs)
        session.create_object({p11.Attribute.CLASS: p11.ObjectClass.CERTIFICATE,
                               p11.Attribute.CERTIFICATE_TYPE: p11.CertificateType.X_509,
                               p11.Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
                               p11.Attribute.SUBJECT: cert.subject.public_bytes(), p11.Attribute.LABEL: LABEL,
                               p11.Attribute.ID: b"\x01", p11.Attribute.TOKEN: True})
    pin_file = folder / "pin"
    pin_file.write_text(PIN + "\n")
    yield {"SIGNING_PKCS11_MODULE": MODULE, "SIGNING_PKCS11_TOKEN": TOKEN, "SIGNING_PKCS11_PIN_FILE": str(pin_file),
           "SIGNING_PKCS11_KEY": LABEL}
    if saved is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = saved


def test_a_wrong_pin_for_the_hsm_is_a_configuration_error_naming_the_settings(app_ctx, config, softhsm):
    """First in this file: PKCS#11 logs in once per process, and a token a session of the process is logged in to
    asks for no PIN again (keys._pkcs11_signer then opens its session without one)."""
    config.update({**softhsm, "SIGNING_PKCS11_PIN_FILE": None, "SIGNING_PKCS11_PIN": "000000"})
    with pytest.raises(SigningConfigError, match="ARBITRATION_SIGNING_PKCS11_.*Pin"):
        signing.sign(b"%PDF-1.7 not reached", "ruling")


def test_a_ruling_signed_by_a_key_in_an_hsm_is_valid_and_timestamped(
        session, personas, refused, config, softhsm, with_tsa):
    config.update(softhsm)
    ruling = rule(make_case("review", order=refused), personas["arbitrator"])
    data = ruling_pdfs.ruling_pdf(ruling)
    report = signing.verify(data)
    assert report.valid, report
    assert {c.key: c.state for c in report.checks} == {
        "signature": OK, "unchanged": OK, "certificate": OK, "timestamp": OK}
    assert report.signer == SIGNER and not report.development and "DEVELOPMENT" not in report.reason


def test_an_hsm_without_a_key_label_is_refused_at_once(app_ctx, config, softhsm):
    config.update({**softhsm, "SIGNING_PKCS11_KEY": None})
    with pytest.raises(SigningConfigError, match="ARBITRATION_SIGNING_PKCS11_KEY"):
        signing.sign(b"%PDF-1.7 not reached", "ruling")


def test_the_pin_may_come_from_the_environment_and_a_second_session_of_the_process_signs_too(
        session, personas, refused, config, softhsm):
    """The PIN from ARBITRATION_SIGNING_PKCS11_PIN instead of a file: other settings, another signer and session of
    this process, on a token the process is logged in to already (the test above)."""
    config.update({**softhsm, "SIGNING_PKCS11_PIN_FILE": None, "SIGNING_PKCS11_PIN": PIN,
                   "SIGNING_PKCS11_CERT": LABEL})
    ruling = rule(make_case("review", order=refused), personas["arbitrator"])
    report = signing.verify(ruling_pdfs.ruling_pdf(ruling))
    assert report.valid and report.signer == SIGNER and report.check("timestamp").state == ABSENT
