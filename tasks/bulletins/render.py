"""Bulletins filled from their templates (SPEC §6): Jinja2 with autoescape, and the number and
date formats of both languages. Laying them out as PDF is `layout.py`'s, in the workers.
"""

from __future__ import annotations

import math
from datetime import date
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

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
