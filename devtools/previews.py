"""PNG previews of bulletins: the pictures of `docs/bulletins.md` and the references of the
visual regression test (`make previews` refreshes both on purpose)."""

from __future__ import annotations

from pathlib import Path

PREVIEW_DPI = 60
PREVIEW_SCOPES = ("region", "FES")


def rasterize(pdf: Path, dpi: int = PREVIEW_DPI) -> list:
    """Each page of `pdf` as a PIL image (pypdfium2, a dev dependency)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in document]
    finally:
        document.close()


def preview_name(pdf: Path, page: int) -> str:
    return f"{pdf.stem}-{page}.png"


def write_previews(bulletins: Path, out_dir: Path, period: str, scopes=PREVIEW_SCOPES) -> list[Path]:
    """Write `<bulletin>-<page>.png` for the chosen bulletins of a run into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for scope in scopes:
        pdf = bulletins / f"bulletin_{scope}_{period}.pdf"
        for number, image in enumerate(rasterize(pdf), start=1):
            path = out_dir / preview_name(pdf, number)
            image.save(path, optimize=True)
            written.append(path)
    return written


# Parts of the Fès bulletin shown apart in docs/bulletins.md (issue 26): from one heading to the next.
SECTIONS = {
    "bulletin_FES_actions": ("faire", "La direction et la région"),  # pdfium reads that line in reverse
    "bulletin_FES_establishments": ("Résultats par établissement", "Qualité des fichiers envoyés"),
}
SECTION_DPI = 110


def _heading_top(page, text: str) -> float | None:
    """The top of `text` on `page`, in points from the page's top; None when not on it."""
    textpage = page.get_textpage()
    found = textpage.search(text).get_next()
    if not found:
        return None
    return page.get_height() - textpage.get_charbox(found[0])[3]


def write_sections(pdf: Path, out_dir: Path, sections=SECTIONS) -> list[Path]:
    """`<name>.png` for each (first heading, next heading) of `sections`, the width of the page."""
    import pypdfium2

    written = []
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        for name, (first, after) in sections.items():
            for page in document:
                top, bottom = _heading_top(page, first), _heading_top(page, after)
                if top is None:
                    continue
                image = page.render(scale=SECTION_DPI / 72).to_pil().convert("RGB")
                scale = SECTION_DPI / 72
                end = (bottom - 6) * scale if bottom is not None and bottom > top else image.size[1]
                path = out_dir / f"{name}.png"
                image.crop((0, int((top - 8) * scale), image.size[0], int(end))).save(path, optimize=True)
                written.append(path)
                break
    finally:
        document.close()
    return written


EMAIL_SIZE = (1000, 760)  # the window a mail client's reading pane gives, roughly


def html_of_message(eml: Path) -> str:
    """The HTML alternative of a message written to the outbox."""
    from email import message_from_bytes, policy

    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    body = message.get_body(("html",))
    if body is None:
        raise ValueError(f"{eml.name} has no HTML part")
    return body.get_content()  # type: ignore[attr-defined]


def screenshot(html: Path, png: Path, size: tuple[int, int] = EMAIL_SIZE) -> Path:
    """`html` as Debian's chromium renders it (headless, no network needed), saved as `png`."""
    import subprocess

    command = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--disable-lcd-text"]
    command += ["--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9"]  # offline, as tested
    command += [f"--window-size={size[0]},{size[1]}", f"--screenshot={png}", html.resolve().as_uri()]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    return png


def write_email_previews(outbox: Path, out_dir: Path, scopes=("FES", "REGION_crsi")) -> list[Path]:
    """`email_<scope>.png`: the HTML of a director's and of the region's message, in chromium."""
    import tempfile

    written = []
    with tempfile.TemporaryDirectory() as folder:
        for scope in scopes:
            [eml] = sorted(outbox.glob(f"bulletin_{scope}*.eml"))[:1]
            page = Path(folder) / f"{scope}.html"
            page.write_text(html_of_message(eml), encoding="utf-8")
            written.append(screenshot(page, out_dir / f"email_{scope.split('_')[0]}.png"))
    return written


def write_report_previews(validation: Path, out_dir: Path) -> list[Path]:
    """`quality_summary.png` and `quality_report.png`: the week's summary page and GX's validation
    page, opened offline in chromium."""
    [page] = sorted((validation / "validations").rglob("*.html"))[:1]
    return [
        screenshot(validation / "summary.html", out_dir / "quality_summary.png", (1100, 700)),
        screenshot(page, out_dir / "quality_report.png", (1100, 900)),
    ]
