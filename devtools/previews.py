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
