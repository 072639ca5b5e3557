"""PAdES signing with pyHanko: an incremental update of the rendered PDF/A-3b (the original bytes stay as they
are), a visible signature block on the last page where the document reserved it (an element with the id
`signature-block`, found through the PDF's named destinations; else the last page's lower left corner), and an
RFC 3161 timestamp on the signature when an authority is configured (PAdES B-T), and the certificates' revocation
data (CRLs, OCSP answers) embedded in the document's security store when the signing chain or the authority's
certificate says where it is published (PAdES B-LT)."""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import hashlib
import io
import os
import threading
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import VENDOR
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps.common_utils import extract_ts_certs
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import InsufficientRevinfoError, PathError, ValidationError
from pypdf import PdfReader

from arbitration.signing.keys import KeyFiles, SigningConfigError, configured_files, development_files, load_signer
from arbitration.signing.tsa import HttpxTimeStamper, Tsa

FIELD = "Signature-Platform"
ANCHOR = "signature-block"
BLOCK_HEIGHT = 72          # points (about 25 mm)
STAMP_FONT_SOURCE = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2)   # Noto Sans CJK SC
STAMP_FONT_SIZE = 7
PRINTABLE = "".join(chr(c) for c in range(0x20, 0x7f))
HSM_LOCK = threading.Lock()     # one PKCS#11 session per process does one operation at a time: one signature at once
LABELS = "电子签名签署人时间可信时间戳由时间戳机构出具未配置本文件仅有签署方自报时间验证地址开发用证书非正式"


@dataclasses.dataclass(frozen=True)
class Settings:
    files: KeyFiles
    tsa: Tsa | None
    verify_url: str
    platform: str
    instance_path: str
    tsa_roots: tuple[str, ...] = ()     # ARBITRATION_TSA_CA: the authority's chain, for its revocation data (B-LT)


class RevocationUnavailable(Exception):
    """A certificate names where its revocation data is published (a CRL distribution point, an OCSP responder)
    and it cannot be had now: the document is not issued, the caller retries later (as when the authority is down)."""


def tsa_from(config) -> Tsa | None:
    """The time stamping authority a configuration names (None without ARBITRATION_TSA_URL): read without the
    signing key, so asking for the authority never makes a development certificate."""
    return Tsa(config["TSA_URL"], config.get("TSA_USERNAME"), config.get("TSA_PASSWORD")) \
        if config.get("TSA_URL") else None


def settings_from(config) -> Settings:
    """The signing settings of an app's configuration (a mapping)."""
    files = configured_files(config) or development_files(config["INSTANCE_PATH"], config.get("PLATFORM_NAME", ""))
    return Settings(files, tsa_from(config), config.get("PUBLIC_URL", "").rstrip("/") + "/rulings/verify",
                    config.get("PLATFORM_NAME", ""), config["INSTANCE_PATH"], tuple(config.get("TSA_CA") or ()))


@functools.lru_cache(maxsize=4)
def _signer(files: KeyFiles):
    return load_signer(files)


class _Presubset(GlyphAccumulator):
    """The stamp's font file is already the subset of the stamp's characters (_stamp_font): embed it as it is.
    pyHanko would subset it again at every signature, which cost more than the rest of the signing together
    (docs/BENCHMARKS.md, issue 20)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tt.recalcBBoxes = False       # the bounding boxes are those the subset was saved with

    def _extract_subset(self, options=None):
        pass


class _PresubsetFactory(GlyphAccumulatorFactory):
    def create_font_engine(self, writer, obj_stream=None):
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        with open(self.font_file, "rb") as fh:
            handle = io.BytesIO(fh.read())
        return _Presubset(writer=writer, font_handle=handle, font_size=self.font_size,
                          writing_direction=self.writing_direction, obj_stream=obj_stream)


@functools.lru_cache(maxsize=4)
def _timestamper(tsa: Tsa) -> HttpxTimeStamper:
    """One per authority: pyHanko asks it once for a sample token (to size the signature) and keeps it."""
    return HttpxTimeStamper(tsa)


def _chain(signer) -> list:
    return [signer.signing_cert, *signer.cert_registry]


@functools.lru_cache(maxsize=4)
def wants_revocation_data(files: KeyFiles, tsa: Tsa | None) -> bool:
    """Whether a certificate of the signing chain or the authority's says where its revocation data is published
    (then the document is PAdES B-LT). The authority's certificates are read from the sample token pyHanko asks for
    anyway (one per authority and process); the development certificate has no pointers: B-T or B-B as before."""
    certs = _chain(_signer(files))
    if tsa is not None:
        stamper = _timestamper(tsa)
        sample = asyncio.run(stamper.async_dummy_response("sha256"))
        certs += [*extract_ts_certs(sample, stamper.cert_registry), *stamper.cert_registry]
    return any(c.crl_distribution_points or c.ocsp_urls for c in certs)


def _validation_context(settings: Settings) -> ValidationContext:
    """A fresh context per signature (it collects what it fetched): trust in the signing chain's root and the
    authority's (ARBITRATION_TSA_CA); revocation data fetched, and required where a certificate declares it."""
    chain = _chain(_signer(settings.files))
    roots = [c for c in chain if c.self_signed != "no"] or [chain[-1]]
    if settings.tsa is not None:
        if not settings.tsa_roots:
            raise SigningConfigError("ARBITRATION_TSA_CA (the authority's root) is needed to embed the revocation "
                                     "data of a chain that publishes it (PAdES B-LT)")
        roots += load_certs_from_pemder(list(settings.tsa_roots))
    return ValidationContext(trust_roots=roots, other_certs=chain, allow_fetching=True, revocation_mode="hard-fail")


def _refusal(err: Exception) -> Exception:
    """What a failed validation of the chain while signing B-LT means for the caller."""
    cause = err
    while cause is not None:
        if isinstance(cause, InsufficientRevinfoError):
            return RevocationUnavailable(f"the revocation data a certificate names (CRL or OCSP) cannot be had now; "
                                         f"the document is not issued without it: {cause}")
        cause = cause.__cause__ or cause.__context__
    return SigningConfigError(f"the signing certificate or the authority's does not validate against the "
                              f"configured roots (revoked, expired or untrusted?): {err}")


def signer_name(settings: Settings) -> str:
    cert = _signer(settings.files).signing_cert
    return cert.subject.native.get("common_name") or settings.platform


def _stamp_font(settings: Settings, text: str) -> str:
    """A TrueType subset of the stamp's characters, made once per set of characters in the instance folder
    (pyHanko reads single fonts, not the collection; the subset keeps each signature's font work small)."""

    chars = "".join(sorted(set(PRINTABLE + LABELS + text)))
    digest = hashlib.sha256(chars.encode()).hexdigest()[:16]
    path = Path(settings.instance_path) / "signing" / f"stamp-font-{digest}.ttf"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        source, number = STAMP_FONT_SOURCE
        font = TTCollection(source).fonts[number]
        options = subset.Options()
        options.name_IDs, options.notdef_outline, options.layout_features = ["*"], True, []
        options.desubroutinize, options.hinting = True, False       # pyHanko subsets it again at each signature
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=chars)
        subsetter.subset(font)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        font.save(str(tmp))
        tmp.replace(path)
    return str(path)


def _block_box(data: bytes) -> tuple[int, tuple[float, float, float, float]]:
    """(page index, box) for the visible signature: the reserved element's place, else the last page's foot."""

    reader = PdfReader(io.BytesIO(data))
    dest = reader.named_destinations.get(ANCHOR)
    if dest is not None and dest.get("/Top") is not None:
        top = float(dest["/Top"])
        return reader.get_destination_page_number(dest), (56.0, top - BLOCK_HEIGHT, 539.0, top)
    return len(reader.pages) - 1, (56.0, 8.0, 270.0, 8.0 + BLOCK_HEIGHT * 0.75)


def stamp_text(settings: Settings, name: str) -> str:
    lines = [f"电子签名 Signed by: {name}", "签署时间 Signing time: %(ts)s",
             "可信时间戳: 由时间戳机构出具 / Trusted timestamp: see signature" if settings.tsa else
             "未配置可信时间戳，仅有签署方自报时间 / No trusted timestamp: signer's own clock",
             f"验证 Verify: {settings.verify_url}"]
    if settings.files.development:
        lines.append("开发用证书，非正式 / DEVELOPMENT certificate, not for production")
    return "\n".join(lines)


def reason(settings: Settings, document: str) -> str:
    what = {"ruling": "争议处理决定书 / Ruling", "dossier": "案件卷宗 / Case dossier"}.get(document, document)
    text = f"{settings.platform} 签发 {what}"
    if settings.files.development:
        text += " — 开发用证书签署，非正式证书 / signed with a DEVELOPMENT certificate, not a production one"
    return text


def _same_producer(writer) -> None:
    """PDF/A wants the Info dictionary and the XMP metadata to agree: pyHanko writes its name as the XMP
    producer but appends it to the Info's (\"WeasyPrint; pyHanko\"). Name pyHanko alone in both."""

    try:
        info = writer.prev.trailer_view["/Info"]
    except KeyError:
        return
    copy = generic.DictionaryObject({generic.NameObject(k): v for k, v in info.items()})
    copy[generic.NameObject("/Producer")] = generic.TextStringObject(VENDOR)
    writer.set_info(writer.add_object(copy))


def sign_pdf(data: bytes, settings: Settings, document: str) -> bytes:
    """The signed PDF (an incremental update of `data`). Raises TsaUnavailable (tsa) when an authority is
    configured and does not answer, RevocationUnavailable when a certificate publishes revocation data and it cannot
    be fetched: a document is never issued with less than the configuration promises."""

    signer = _signer(settings.files)
    name = signer_name(settings)
    text = stamp_text(settings, name)
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    _same_producer(writer)
    page, box = _block_box(data)
    fields.append_signature_field(writer, fields.SigFieldSpec(FIELD, on_page=page, box=box))
    style = TextStampStyle(stamp_text=text, border_width=1, background=None,
                           timestamp_format="%Y-%m-%d %H:%M:%S %Z",
                           text_box_style=TextBoxStyle(font=_PresubsetFactory(
                               _stamp_font(settings, text), font_size=STAMP_FONT_SIZE, writing_direction="ltr")))
    meta = signers.PdfSignatureMetadata(field_name=FIELD, reason=reason(settings, document),
                                        location=settings.verify_url, name=name,
                                        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256")
    timestamper = _timestamper(settings.tsa) if settings.tsa else None
    long_term = wants_revocation_data(settings.files, settings.tsa)
    if long_term:
        meta = dataclasses.replace(meta, embed_validation_info=True, validation_context=_validation_context(settings))
    pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=timestamper, stamp_style=style)
    out = io.BytesIO()
    try:
        with HSM_LOCK if settings.files.pkcs11 else contextlib.nullcontext():
            pdf_signer.sign_pdf(writer, output=out)
    except (SigningError, PathError, ValidationError) as err:
        if not long_term:
            raise
        raise _refusal(err) from err
    return out.getvalue()
