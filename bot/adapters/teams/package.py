"""The Teams app package: ``manifest.json`` and its two icons, zipped for an administrator to
upload in Teams or the Teams admin centre.

The static part of the manifest and the icons live in the repository's ``teams_app/`` folder
(packed into the wheel as ``bot/bundled_teams_app``); this module adds what is particular to
one installation (see ``package_identity``). It never imports the Teams SDK.
"""

from __future__ import annotations

import copy
import json
import os
import struct
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.adapters.teams.package_identity import AppIdentity
from bot.errors import ConfigError
from bot.settings import bundled_folder

MANIFEST = "manifest.json"
ICON_SIZES = {"color": (192, 192), "outline": (32, 32)}  # what Teams requires of each icon
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same inputs give the same bytes


def app_source() -> Path:
    """The folder holding the manifest template and the icons."""
    return bundled_folder("teams_app")


@dataclass(frozen=True, slots=True)
class AppPackage:
    """A built package: where it was written, and what it holds."""

    path: Path
    manifest: dict[str, Any]
    files: tuple[str, ...]


def build_manifest(identity: AppIdentity, source: Path | None = None) -> dict[str, Any]:
    """The complete manifest: the template with this installation's values filled in."""
    template = _read_template((source or app_source()) / MANIFEST)
    body = {k: v for k, v in template.items() if k not in ("$schema", "manifestVersion")}
    bots = copy.deepcopy(body.pop("bots"))
    bots[0] = {"botId": identity.bot_id, **bots[0]}
    return {
        "$schema": template["$schema"],
        "manifestVersion": template["manifestVersion"],
        "version": identity.version,
        "id": identity.app_id,
        "developer": {
            "name": identity.developer_name,
            "websiteUrl": identity.website_url,
            "privacyUrl": identity.privacy_url,
            "termsOfUseUrl": identity.terms_url,
        },
        **body,
        "bots": bots,
        "validDomains": list(identity.domains),
    }


def write_package(identity: AppIdentity, out: Path, source: Path | None = None) -> AppPackage:
    """Write the zip into the folder ``out`` (or to ``out`` itself when it ends in .zip)."""
    folder = source or app_source()
    manifest = build_manifest(identity, folder)
    icons = {name: folder / manifest["icons"][name] for name in ICON_SIZES}
    for name, path in icons.items():
        _check_icon(path, name)
    target = out if out.suffix.lower() == ".zip" else out / package_name(identity.version)
    entries = [(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False).encode() + b"\n")]
    entries += [(manifest["icons"][name], path.read_bytes()) for name, path in icons.items()]
    try:
        _write_zip(target, entries)
    except OSError as exc:
        raise ConfigError(
            f"Could not write the Teams app package to {target}: {exc.strerror or exc}. "
            "Choose another folder with --out."
        ) from None
    return AppPackage(path=target, manifest=manifest, files=tuple(name for name, _ in entries))


def _write_zip(target: Path, entries: list[tuple[str, bytes]]) -> None:
    """Write the zip beside its final name, then move it there: never a half-written file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, suffix=".zip.part")
    try:
        with os.fdopen(descriptor, "wb") as handle, zipfile.ZipFile(handle, "w") as archive:
            for name, data in entries:
                info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def package_name(version: str) -> str:
    return f"compact-assistant-teams-{version}.zip"


def png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's header, or None when the bytes are not a PNG."""
    if len(data) < 24 or not data.startswith(_PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _read_template(path: Path) -> dict[str, Any]:
    try:
        template = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"The Teams app template {path} is missing; reinstall the Compact Assistant."
        ) from None
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"The Teams app template {path} is not valid JSON (line {exc.lineno}): {exc.msg}."
        ) from None
    if not (
        isinstance(template, dict)
        and isinstance(template.get("bots"), list)
        and len(template["bots"]) == 1
        and isinstance(template.get("icons"), dict)
    ):
        raise ConfigError(f"The Teams app template {path} must declare one bot and the icons.")
    return template


def _check_icon(path: Path, name: str) -> None:
    wanted = ICON_SIZES[name]
    try:
        size = png_size(path.read_bytes())
    except FileNotFoundError:
        raise ConfigError(f"The Teams {name} icon {path} is missing.") from None
    if size != wanted:
        found = "not a PNG" if size is None else f"{size[0]}x{size[1]}"
        raise ConfigError(
            f"The Teams {name} icon {path} must be a {wanted[0]}x{wanted[1]} PNG (it is {found})."
        )
