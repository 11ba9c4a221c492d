"""Bulletins to PDF (SPEC §6): Jinja2 with autoescape, WeasyPrint with a fetcher that serves
only the project's template and font files, and the number/date formats of both languages.
"""

from __future__ import annotations

import math
import mimetypes
import os
import threading
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse

import weasyprint
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape
from weasyprint.text.fonts import FontConfiguration

from nashra.paths import TEMPLATES_DIR

MONTHS_AR = ("يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر")
MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
NARROW_NBSP = "\u202f"
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


def number(value) -> str:
    """A count with narrow no-break spaces between thousands (it stays in order inside Arabic)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{int(value):,}".replace(",", NARROW_NBSP)


def percent_fr(value) -> str:
    """French style: `94,5 %`."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{100 * value:.1f}".replace(".", ",") + NARROW_NBSP + "%"


def percent_ar(value) -> str:
    """Arabic style with Western digits: `94.5%` (isolated left-to-right by the templates)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{100 * value:.1f}%"


def dmy(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def long_date_ar(value: date) -> str:
    return f"{value.day} {MONTHS_AR[value.month - 1]} {value.year}"


def long_date_fr(value: date) -> str:
    return f"{value.day} {MONTHS_FR[value.month - 1]} {value.year}"


def ltr(value) -> Markup:
    """A Latin token (code, date, number, period) isolated so it keeps its order in Arabic text."""
    return Markup('<bdi dir="ltr">') + escape(value) + Markup("</bdi>")


def width(value, scale: float = 100.0) -> str:
    """A CSS percentage from a number: cast here so input text can never reach a style attribute."""
    try:
        number_ = float(value)
    except (TypeError, ValueError):
        return "0%"
    if math.isnan(number_):
        return "0%"
    return f"{max(0.0, min(100.0, number_ * scale)):.2f}%"


def pt(value) -> str:
    """A CSS length in points from a number (cast, so input text never reaches a style attribute)."""
    try:
        number_ = float(value)
    except (TypeError, ValueError):
        return "0pt"
    return "0pt" if math.isnan(number_) else f"{max(0.0, number_):.1f}pt"


@cache
def environment() -> Environment:
    """One environment per process, so each template is compiled once, not once per bulletin."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        number=number,
        pt=pt,
        percent_fr=percent_fr,
        percent_ar=percent_ar,
        dmy=dmy,
        ltr=ltr,
        width=width,
        long_date_ar=long_date_ar,
        long_date_fr=long_date_fr,
    )
    return env


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
