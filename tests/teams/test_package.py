"""``compact-bot teams package``: the zip an administrator uploads to Teams, built by the real
command in its own process, checked against Microsoft's published manifest schema."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import tomllib
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
import typer.main
from jsonschema import Draft4Validator, Draft6Validator, validators

from bot.adapters.teams.package import app_source, write_package
from bot.adapters.teams.package_identity import AppIdentity
from bot.cli.app import app
from bot.errors import ConfigError
from bot.settings import PACKAGE_DIR, load_settings

from ..conftest import REPO, Run

SCHEMAS = Path(__file__).resolve().parent / "schemas"
BOT_ID = "3f2b6a10-9c4d-4e8f-a1b2-c3d4e5f60718"
DOMAIN = "compact-bot.example.gov.uk"
TEAMS_VARIABLES = ("TEAMS_CLIENT_ID", "TEAMS_CLIENT_SECRET", "TEAMS_TENANT_ID")

# Microsoft's schemas declare draft-04 but use draft-06's "const" (for manifestVersion);
# Microsoft's own validator honours it, so ours must too, or a wrong version would pass.
ManifestValidator = validators.extend(
    Draft4Validator, {"const": Draft6Validator.VALIDATORS["const"]}
)


@pytest.fixture(autouse=True)
def no_teams_settings_from_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in TEAMS_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def build(run: Run, out: Path, *args: str, env: dict[str, str] | None = None) -> Path:
    result = run(
        "teams", "package", "--out", str(out), *args, env={"TEAMS_CLIENT_ID": BOT_ID, **(env or {})}
    )
    assert result.returncode == 0, result.stderr
    (package,) = out.glob("*.zip")
    assert str(package.name) in result.stdout
    return package


def read_manifest(package: Path) -> dict[str, Any]:
    with zipfile.ZipFile(package) as archive:
        manifest: dict[str, Any] = json.loads(archive.read("manifest.json").decode("utf-8"))
        return manifest


def schema_errors(manifest: dict[str, Any], version: str | None = None) -> list[str]:
    """Every way the manifest breaks the official schema for its version (or ``version``)."""
    version = version or manifest["manifestVersion"]
    schema = json.loads((SCHEMAS / f"v{version}" / "MicrosoftTeams.schema.json").read_text())
    validator = ManifestValidator(schema)
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(manifest)
    ]


def test_the_package_is_a_valid_teams_app_for_the_configured_bot(run: Run, tmp_path: Path) -> None:
    package = build(run, tmp_path / "out", "--domain", DOMAIN)
    manifest = read_manifest(package)

    assert schema_errors(manifest) == []
    version = tuple(int(part) for part in manifest["manifestVersion"].split("."))
    assert version >= (1, 24)
    assert manifest["$schema"] == (
        f"https://developer.microsoft.com/json-schemas/teams/v{manifest['manifestVersion']}"
        "/MicrosoftTeams.schema.json"
    )
    (bot,) = manifest["bots"]
    assert bot["botId"] == BOT_ID
    assert bot["scopes"] == ["personal", "team", "groupChat"]
    commands = {
        scope: [c["title"] for c in listing["commands"]]
        for listing in bot["commandLists"]
        for scope in listing["scopes"]
    }
    every = ["help", "topics", "tour", "my progress"]  # test_commands sends each in its scope
    assert commands == {"personal": every, "team": every, "groupChat": every}
    assert manifest["validDomains"] == [DOMAIN]
    assert manifest["developer"]["websiteUrl"] == f"https://{DOMAIN}/"


def test_the_zip_holds_the_manifest_and_two_icons_at_its_root(run: Run, tmp_path: Path) -> None:
    package = build(run, tmp_path, "--domain", DOMAIN)
    with zipfile.ZipFile(package) as archive:
        assert archive.testzip() is None
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        assert package.name == f"compact-assistant-teams-{manifest['version']}.zip"
        color = archive.read(manifest["icons"]["color"])
        outline = archive.read(manifest["icons"]["outline"])

    assert png_header_size(color) == (192, 192)
    assert png_header_size(outline) == (32, 32)
    # Teams' rules for the outline icon: white (255, 255, 255) on a fully transparent ground.
    outline_pixels = decode_rgba(outline)
    assert all(a == 0 or (r, g, b) == (255, 255, 255) for r, g, b, a in outline_pixels)
    assert any(a == 255 for *_, a in outline_pixels)  # there is a symbol to see
    assert sum(a == 0 for *_, a in outline_pixels) > len(outline_pixels) // 3
    # The colour icon is a full square: Teams rounds the corners itself.
    assert all(a == 255 for *_, a in decode_rgba(color))


def test_settings_come_from_dotenv_and_the_same_inputs_give_the_same_package(
    run: Run, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(
        f"TEAMS_CLIENT_ID={BOT_ID}\nCOMPACT_TEAMS_DOMAIN={DOMAIN}, bot2.example.org\n"
        "COMPACT_TEAMS_DEVELOPER_NAME=Harborough District Council\n"
        "COMPACT_TEAMS_PRIVACY_URL=https://www.example.gov.uk/privacy\n"
    )
    first = run("teams", "package", "--out", str(tmp_path / "a"))
    second = run("teams", "package", "--out", str(tmp_path / "b"))
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    (a,) = (tmp_path / "a").glob("*.zip")
    (b,) = (tmp_path / "b").glob("*.zip")
    assert a.read_bytes() == b.read_bytes()  # a stable app id, and a reproducible zip

    manifest = read_manifest(a)
    assert manifest["bots"][0]["botId"] == BOT_ID
    assert manifest["validDomains"] == [DOMAIN, "bot2.example.org"]
    assert manifest["developer"] == {
        "name": "Harborough District Council",
        "websiteUrl": f"https://{DOMAIN}/",
        "privacyUrl": "https://www.example.gov.uk/privacy",
        "termsOfUseUrl": f"https://{DOMAIN}/",
    }
    assert "COMPACT_TEAMS_TERMS_URL" in first.stderr  # the defaulted link is pointed out
    assert "COMPACT_TEAMS_PRIVACY_URL" not in first.stderr


def test_the_app_id_follows_the_bot_unless_configured(run: Run, tmp_path: Path) -> None:
    other_bot = "0a1b2c3d-4e5f-4061-8728-394a5b6c7d8e"
    default = read_manifest(build(run, tmp_path / "one", "--domain", DOMAIN))["id"]
    other = read_manifest(
        build(run, tmp_path / "two", "--domain", DOMAIN, env={"TEAMS_CLIENT_ID": other_bot})
    )["id"]
    chosen = "11111111-2222-4333-8444-555555555555"
    configured = read_manifest(
        build(
            run, tmp_path / "three", "--domain", DOMAIN, "--app-version", "2.3.4",
            env={"COMPACT_TEAMS_APP_ID": chosen},
        )
    )  # fmt: skip
    assert default not in (BOT_ID, other, chosen)
    assert configured["id"] == chosen
    assert configured["version"] == "2.3.4"


def test_a_missing_bot_id_is_named_and_nothing_is_written(run: Run, tmp_path: Path) -> None:
    result = run("teams", "package", "--out", str(tmp_path / "out"), "--domain", DOMAIN)
    assert result.returncode == 1
    assert "TEAMS_CLIENT_ID is not set" in result.stderr
    assert "docs/teams.md" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.rglob("*.zip*"))


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        ([], {"TEAMS_CLIENT_ID": "not-a-guid"}, "TEAMS_CLIENT_ID must be a GUID"),
        (["--domain", "compact bot"], {}, "'compact bot', which is not a host name"),
        ([], {}, "Set COMPACT_TEAMS_DOMAIN (or --domain)"),
        (
            ["--domain", "*.example.gov.uk"],
            {},
            "gives only wildcard domains (*.example.gov.uk), which cannot be the app's website",
        ),
        (
            ["--domain", DOMAIN, "--privacy-url", "http://example.org/p"],
            {},
            "COMPACT_TEAMS_PRIVACY_URL (or --privacy-url) must be an https:// address",
        ),
        (
            ["--domain", DOMAIN, "--website-url", "https://example.org/ compact"],
            {},
            "must be an https:// address of at most 2048 characters, without spaces",
        ),
        (["--domain", DOMAIN, "--app-version", "1.2"], {}, "three numbers like 1.2.0"),
        (
            ["--domain", DOMAIN, "--developer-name", "x" * 33],
            {},
            "COMPACT_TEAMS_DEVELOPER_NAME (or --developer-name) must be 1 to 32 characters",
        ),
    ],
)
def test_bad_values_get_a_clear_error(
    run: Run, tmp_path: Path, args: list[str], env: dict[str, str], expected: str
) -> None:
    result = run(
        "teams", "package", "--out", str(tmp_path), *args, env={"TEAMS_CLIENT_ID": BOT_ID, **env}
    )
    assert result.returncode == 1
    assert expected in " ".join(result.stderr.split())
    assert not list(tmp_path.glob("*.zip"))


def test_an_unwritable_destination_is_reported_plainly(run: Run, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    result = run(
        "teams", "package", "--out", str(blocker), "--domain", DOMAIN,
        env={"TEAMS_CLIENT_ID": BOT_ID},
    )  # fmt: skip
    assert result.returncode == 1
    assert "Could not write the Teams app package" in result.stderr
    assert "--out" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_icon_of_the_wrong_size_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "teams_app"
    shutil.copytree(app_source(), source)
    shutil.copy(source / "color.png", source / "outline.png")  # someone's own icon, too big
    identity = AppIdentity.from_settings(load_settings(teams_client_id=BOT_ID, teams_domain=DOMAIN))
    with pytest.raises(ConfigError, match=r"outline icon .* must be a 32x32 PNG \(it is 192x192\)"):
        write_package(identity, tmp_path / "out", source)
    assert not (tmp_path / "out").exists()


def test_a_pasted_endpoint_url_is_reduced_to_its_host(run: Run, tmp_path: Path) -> None:
    result = run(
        "teams", "package", "--out", str(tmp_path / "for-upload.zip"),
        "--domain", f"https://{DOMAIN.upper()}/api/messages", env={"TEAMS_CLIENT_ID": BOT_ID},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert read_manifest(tmp_path / "for-upload.zip")["validDomains"] == [DOMAIN]


def test_the_schema_check_catches_a_bad_manifest(run: Run, tmp_path: Path) -> None:
    template = json.loads((app_source() / "manifest.json").read_text())
    # The template alone lacks what configuration supplies: id, version, developer, botId.
    errors = schema_errors(template)
    assert any("'id' is a required property" in e for e in errors)
    assert any("bots/0: 'botId' is a required property" in e for e in errors)

    good = read_manifest(build(run, tmp_path, "--domain", DOMAIN))
    version = good["manifestVersion"]
    wrong_version = schema_errors({**good, "manifestVersion": "1.23"}, version)
    assert any(f"'{version}' was expected" in e for e in wrong_version)
    too_long = {**good, "name": {"short": "A name far longer than thirty characters"}}
    assert any(e.startswith("name/short:") for e in schema_errors(too_long))


def test_an_installed_wheel_builds_the_package_from_its_bundled_copy(
    run: Run, tmp_path: Path
) -> None:
    """pyproject.toml packs teams_app/ into the wheel; the command must find it there."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    force_include = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert force_include["teams_app"] == "bot/bundled_teams_app"
    # Lay the files out as the wheel installs them, with no checkout beside them.
    site = tmp_path / "site"
    shutil.copytree(PACKAGE_DIR, site / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "teams_app", site / "bot" / "bundled_teams_app")
    where = python(site, "-c", "from bot.adapters.teams.package import app_source as a; print(a())")
    assert where.stdout.strip() == str(site / "bot" / "bundled_teams_app"), where.stderr
    installed = python(
        site, "-m", "bot", "teams", "package", "--out", str(tmp_path / "out"), "--domain", DOMAIN
    )
    assert installed.returncode == 0, installed.stderr
    (package,) = (tmp_path / "out").glob("*.zip")
    assert schema_errors(read_manifest(package)) == []


def python(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run Python with ``path`` ahead of the checkout on the import path."""
    env = {**os.environ, "PYTHONPATH": str(path), "TEAMS_CLIENT_ID": BOT_ID}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def test_the_administrators_guide_covers_every_option_and_setting() -> None:
    guide = (REPO / "docs" / "teams.md").read_text()
    command = typer.main.get_command(app).commands["teams"].commands["package"]  # type: ignore[attr-defined]
    flags = [flag for param in command.params for flag in param.opts if flag.startswith("--")]
    assert "--domain" in flags
    assert [flag for flag in flags if f"`{flag}" not in guide] == []
    for name in ("TEAMS_CLIENT_ID", "TEAMS_CLIENT_SECRET", "TEAMS_TENANT_ID"):
        assert f"`{name}`" in guide
    for field in ("domain", "developer_name", "website_url", "privacy_url", "terms_url", "app_id"):
        assert f"`COMPACT_TEAMS_{field.upper()}`" in guide


# --- PNG reading, enough for the checks above (8-bit RGB or RGBA, not interlaced) -------------


def png_header_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def decode_rgba(data: bytes) -> list[tuple[int, int, int, int]]:
    width, height = png_header_size(data)
    depth, colour_type, _, _, interlace = data[24:29]
    assert (depth, interlace) == (8, 0)
    assert colour_type in (2, 6)
    channels = 4 if colour_type == 6 else 3
    idat, offset = b"", 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        if data[offset + 4 : offset + 8] == b"IDAT":
            idat += data[offset + 8 : offset + 8 + length]
        offset += 12 + length
    raw, stride = zlib.decompress(idat), width * channels
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            line[i] = (line[i] + _predict(kind, left, up, corner)) & 0xFF
        rows.append(line)
        previous = line
    pixels = [bytes(row[i : i + channels]) for row in rows for i in range(0, stride, channels)]
    return [(p[0], p[1], p[2], p[3] if channels == 4 else 255) for p in pixels]


def _predict(kind: int, left: int, up: int, corner: int) -> int:
    if kind == 0:
        return 0
    if kind == 1:
        return left
    if kind == 2:
        return up
    if kind == 3:
        return (left + up) // 2
    estimate = left + up - corner
    distances = (abs(estimate - left), abs(estimate - up), abs(estimate - corner))
    return (left, up, corner)[distances.index(min(distances))]
