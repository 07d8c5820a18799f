"""How much weight a cited web page can bear, judged by its host.

``WEAK_HOSTS`` is the short list ``kb check`` warns about (see knowledge/README.md): sites
that re-host uploaded documents and slides, whose copies may be incomplete or altered, and
the Compact Voice site, which no longer runs. A citation to one of them may stay only beside
a primary source, or as the only record of a historical fact, and then carries
``archived: true`` so readers see "archived copy".
"""

from __future__ import annotations

from urllib.parse import urlparse

from bot.knowledge.model import Source

# Document- and slide-upload mirrors, and copies of GOV.UK pages on other hosts.
MIRROR_HOSTS = frozenset(
    {
        "docest.com", "docplayer.net", "docsbay.net", "docslib.org", "docstoc.com",
        "eaconsolja.com", "essaydocs.org", "fdocuments.us", "issuu.com", "manualzilla.com",
        "paperzz.com", "readbag.com", "readkong.com", "slideserve.com", "studylib.net",
        "vdocuments.mx", "vdocuments.net", "zoomlaw.co.uk",
    }
)  # fmt: skip
# Sites that have closed; their pages survive only as copies.
DEFUNCT_HOSTS = frozenset({"compactvoice.org.uk"})
WEAK_HOSTS = MIRROR_HOSTS | DEFUNCT_HOSTS
# Where the law and government policy are published.
PRIMARY_HOSTS = frozenset({"gov.uk", "legislation.gov.uk", "parliament.uk"})


def host_of(url: str | None) -> str:
    if not url:
        return ""
    return (urlparse(url).hostname or "").rstrip(".").lower()


def on(host: str, domains: frozenset[str]) -> bool:
    """Whether ``host`` is one of ``domains`` or a sub-domain of one."""
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def is_weak(source: Source) -> bool:
    return on(host_of(source.url), WEAK_HOSTS)


def is_primary(source: Source) -> bool:
    return on(host_of(source.url), PRIMARY_HOSTS)
