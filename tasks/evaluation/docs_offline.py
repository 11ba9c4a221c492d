"""Great Expectations' Data Docs made self-contained (issue 11): the regional center's machine may
be offline, and the pages GX writes load Bootstrap, jQuery and its logo from the internet — then
show unstyled, with an empty list of validations (JavaScript builds it).

After GX writes the site, every reference to another machine is taken out (scripts, stylesheets,
images, links: opening the report sends no request), a small stylesheet is put inline, and the
index is rewritten as a plain page that lists the validations and the suites itself, and links
the bilingual summary of the week's findings (`summary.html`).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

REMOTE = r"(?:https?:)?//"
_REMOTE_TAGS = (
    re.compile(rf"<script[^>]*\bsrc=[\"']{REMOTE}[^>]*>\s*</script>", re.IGNORECASE),
    re.compile(rf"<link[^>]*\bhref=[\"']{REMOTE}[^>]*>", re.IGNORECASE),
    re.compile(rf"<img[^>]*\bsrc=[\"']{REMOTE}[^>]*>", re.IGNORECASE),
)
_REMOTE_HREF = re.compile(rf"\shref=([\"']){REMOTE}[^\"']*\1", re.IGNORECASE)
_REMOTE_CSS_URL = re.compile(rf"url\(\s*[\"']?{REMOTE}[^)]*\)", re.IGNORECASE)
STYLE = """<style>
body { font-family: sans-serif; margin: 1.5em; color: #1d2430; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border-bottom: 1px solid #dde5df; padding: 3px 8px; text-align: start; vertical-align: top; }
th { background: #0b5d3b; color: #fff; }
.text-danger, .ge-failed-icon { color: #b00020; } .text-success { color: #1b7a3a; }
</style>"""


def local_only(text: str) -> str:
    """A page of the site with nothing fetched from another machine, and a stylesheet inline."""
    for pattern in _REMOTE_TAGS:
        text = pattern.sub("", text)
    text = _REMOTE_CSS_URL.sub("none", _REMOTE_HREF.sub("", text))
    return text.replace("</head>", STYLE + "</head>", 1) if "</head>" in text else text


def make_offline(site: Path, verdict: str = "") -> None:
    """Every HTML and CSS file of the site made local-only, the validation pages headed by
    `verdict`; the index rewritten as a plain list."""
    banner = f'<p style="border:1px solid #0b5d3b;padding:6px;margin:8px">{html.escape(verdict)}</p>' if verdict else ""
    for path in [*site.rglob("*.html"), *site.rglob("*.css")]:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".css":
            path.write_text(_REMOTE_CSS_URL.sub("none", text), encoding="utf-8")
            continue
        text = local_only(text)
        if banner and "validations" in path.relative_to(site).parts:
            text = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + banner, text, count=1)
        path.write_text(text, encoding="utf-8")
    (site / "index.html").write_text(plain_index(site, banner), encoding="utf-8")


def plain_index(site: Path, banner: str = "") -> str:
    """The site's index without JavaScript: its validations and suites as links."""
    validations = sorted(p.relative_to(site).as_posix() for p in (site / "validations").rglob("*.html"))
    suites = sorted(p.relative_to(site).as_posix() for p in (site / "expectations").rglob("*.html"))

    def items(paths: list[str]) -> str:
        return "".join(f'<li><a href="{html.escape(p)}">{html.escape(p)}</a></li>' for p in paths)

    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Data Docs</title>'
        f"{STYLE}</head><body>{banner}"
        '<p><a href="summary.html">ملخص ملاحظات الجودة لهذا الأسبوع / Synthèse des constats de la semaine</a></p>'
        f'<h2>Validations</h2><ul id="validations">{items(validations)}</ul>'
        f'<h2>Expectation suites</h2><ul id="suites">{items(suites)}</ul>'
        "</body></html>"
    )
