"""Filled bulletins laid out as PDF (SPEC §6) with WeasyPrint, and a fetcher that serves only
the project's template and font files. Imported by the worker processes that lay out, not by the
run's own process (which only fills the templates).
"""

from __future__ import annotations

import mimetypes
import os
import threading
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from nashra.paths import TEMPLATES_DIR

# Without HarfBuzz's subsetter WeasyPrint subsets fonts with fontTools, which stamps each subset
# with the current time unless SOURCE_DATE_EPOCH is set: fixed here, a bulletin's bytes depend
# only on its content, on any machine.
FONT_TIMESTAMP = "1767225600"  # 2026-01-01T00:00:00Z
os.environ.setdefault("SOURCE_DATE_EPOCH", FONT_TIMESTAMP)


class ProjectFilesFetcher(weasyprint.URLFetcher):
    """Serves regular files under the templates folder and `data:` URLs; refuses everything else."""

    def __init__(self, root: Path = TEMPLATES_DIR):
        super().__init__(allowed_protocols={"file", "data"})
        self.root = Path(root).resolve()

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme == "data":
            return super().fetch(url, headers)
        if parsed.scheme != "file":
            raise ValueError(f"refused: {url}")
        path = Path(unquote(parsed.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ValueError(f"refused: {url}")
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return weasyprint.urls.URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": kind})


@cache
def _stylesheet() -> tuple[weasyprint.CSS, FontConfiguration]:
    """The bulletins' stylesheet and its four fonts, loaded once per process: setting up the fonts
    and parsing the CSS again for each bulletin took a third of its layout time."""
    fonts = FontConfiguration()
    css = weasyprint.CSS(
        filename=str(TEMPLATES_DIR / "bulletin.css"), font_config=fonts, url_fetcher=ProjectFilesFetcher()
    )
    return css, fonts


def preload_layout() -> None:
    """Load the stylesheet and its fonts in this process ahead of the first bulletin."""
    _stylesheet()


_layout_lock = threading.Lock()  # the shared fonts are not known to be thread-safe; processes give the parallelism


def html_to_pdf(html: str) -> bytes:
    """Lay out one filled bulletin, with the bulletins' stylesheet, as PDF bytes; nothing outside
    the templates folder is fetched."""
    css, fonts = _stylesheet()
    document = weasyprint.HTML(string=html, base_url=str(TEMPLATES_DIR) + "/", url_fetcher=ProjectFilesFetcher())
    with _layout_lock:
        return document.write_pdf(stylesheets=[css], font_config=fonts)
