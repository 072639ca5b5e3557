"""Which fonts WeasyPrint (through fontconfig) may see, per kind of document.

Left to the system configuration, every PDF render makes fontconfig load the caches of all installed fonts;
with the Noto CJK collections that is about 100 MiB per render, held until the render ends. A fontconfig file
listing only the folders a document needs cuts that to a few MiB. Ruling documents use Noto CJK (serif body,
sans headings); dossiers, rendered by the thousand in bulk exports, use WenQuanYi Micro Hei (a 5 MB TrueType
collection) and DejaVu for hashes. The file is written under the instance folder and named by
FONTCONFIG_FILE, which fontconfig reads once per process, before the first render. An operator's own
FONTCONFIG_FILE is left alone.
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

log = logging.getLogger(__name__)

NOTO = "/usr/share/fonts/opentype/noto"              # fonts-noto-cjk
WQY = "/usr/share/fonts/truetype/wqy"                # fonts-wqy-microhei
DEJAVU = "/usr/share/fonts/truetype/dejavu"          # fonts-dejavu-core
PROFILES = {"app": (NOTO, WQY, DEJAVU), "dossier": (WQY, DEJAVU)}


def config_text(folders, cache: Path) -> str:
    dirs = "".join(f"  <dir>{f}</dir>\n" for f in folders)
    return ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
            f"{dirs}  <cachedir>{cache}</cachedir>\n</fontconfig>\n")


def use(profile: str, instance_path: str | os.PathLike) -> str | None:
    """Point this process's fontconfig at the profile's folders; returns the file, or None when left alone
    (an operator's own FONTCONFIG_FILE, a folder missing, or WeasyPrint already loaded)."""
    base = Path(instance_path) / "fontconfig"
    current = os.environ.get("FONTCONFIG_FILE")
    if (current and Path(current).parent != base) or "weasyprint" in sys.modules:
        return None      # the operator's own configuration, or too late for this process
    folders = [f for f in PROFILES[profile] if os.path.isdir(f)]
    if len(folders) < len(PROFILES[profile]):
        log.warning("font folders missing (%s): PDFs use the system's font configuration",
                    set(PROFILES[profile]) - set(folders))
        return None
    base.mkdir(parents=True, exist_ok=True)
    path = base / f"{profile}.conf"
    text = config_text(folders, base / f"cache-{profile}")
    if not path.exists() or path.read_text() != text:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text)
        os.replace(tmp, path)
    os.environ["FONTCONFIG_FILE"] = str(path)
    return str(path)
