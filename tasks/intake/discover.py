"""What was sent (SPEC §2): the drops of a period folder, and what is ignored there and why."""

from __future__ import annotations

import difflib
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from nashra.periods import PERIOD_PATTERN, Period
from schemas.headers import SOURCES, fold

EXTENSIONS = (".csv", ".xlsx")
EXCEL_97_IGNORED = (
    "classeur Excel 97-2003 (.xls), non lu : l'enregistrer sous « Classeur Excel (*.xlsx) » et le renvoyer / "
    "مصنف إكسل 97-2003 (xls.) لا يقرأ: احفظه بصيغة xlsx وأعد إرساله"
)


@dataclass(frozen=True)
class Drop:
    """One file of one source, sent by one directorate for one period."""

    period: Period
    directorate: str
    source: str
    path: Path

    @property
    def refusal(self) -> tuple[str, str] | None:
        """(French, Arabic) why this drop is rejected unread, asked each time it is about to be
        opened: a file replaced by a link after the scan is refused too."""
        return NOT_REGULAR if not_regular(self.path) else None


NOT_REGULAR = (
    "ce n'est pas un fichier ordinaire déposé dans le dossier (lien symbolique, périphérique ou tube) : "
    "il n'a été ni lu ni copié ; déposer le fichier lui-même",
    "هذا ليس ملفا عاديا داخل المجلد (رابط رمزي أو جهاز أو أنبوب): لم يقرأ ولم ينسخ؛ ضع الملف نفسه",
)


def not_regular(path: Path) -> bool:
    """A symlink, device, FIFO or socket: never opened, so nothing outside the raw folder is read.
    A path gone since the scan is not one of them: opening it says that it was moved."""
    try:
        return not stat.S_ISREG(path.lstat().st_mode)
    except FileNotFoundError:
        return False
    except OSError:
        return True


@dataclass
class PeriodFolder:
    period: Period
    drops: dict[tuple[str, str], Drop] = field(default_factory=dict)  # (code, source) -> drop
    ignored: list[dict[str, str | None]] = field(default_factory=list)  # path, reason

    def ignore(
        self, path: Path, reason: str, directorate: str | None = None, source: str | None = None, *, likely=None
    ) -> None:
        """`likely`: the directorate or source it most likely is, for the operator (« FEZ/ — FES ? »)."""
        item = {"path": str(path), "reason": reason, "directorate": directorate, "source": source}
        self.ignored.append(item | ({"likely": likely} if likely else {}))


def folder_key(name: str) -> str:
    """A folder or file name as people type it, compared ignoring case, accents, surrounding
    spaces, and `-`/`_`/`.` between words (`El-Hajeb`, ` fès `, `MOULAY_YACOUB`)."""
    return " ".join(re.split(r"[\s\-_.]+", fold(name))).strip()


def directorate_folders(codes: list[str], names: Mapping[str, Iterable[str]] | None = None) -> dict[str, str]:
    """Folder key -> code: each directorate by its code and by its own names (`names`: code ->
    its French and Arabic names, as the reference data writes them) (SPEC §8 "Folders and files")."""
    keys = {folder_key(code): code for code in codes}
    for code, own in (names or {}).items():
        keys.update({folder_key(name): code for name in own if folder_key(name)})
    return keys


def likely(name: str, keys: Mapping[str, str]) -> str | None:
    """What a name that matched nothing most likely is: the closest key's value, if any is close."""
    close = difflib.get_close_matches(folder_key(name), list(keys), n=1, cutoff=0.6)
    return keys[close[0]] if close else None


def scan_period(
    raw_dir: Path, period: Period, codes: list[str], names: Mapping[str, Iterable[str]] | None = None
) -> PeriodFolder:
    """The drops under `raw_dir/<period>/`; anything else there is listed as ignored, with what
    it most likely is."""
    keys = directorate_folders(codes, names)
    folder = PeriodFolder(period)
    root = Path(raw_dir) / str(period)
    if root.is_symlink():
        folder.ignore(root, "lien symbolique : ni suivi ni lu (déposer un vrai dossier)")
        return folder
    if not root.is_dir():
        return folder
    seen: set[str] = set()
    for entry in sorted(root.iterdir()):
        code = keys.get(folder_key(entry.name))
        if entry.is_symlink():
            folder.ignore(entry, "lien symbolique : ni suivi ni lu (déposer un vrai dossier)")
        elif not entry.is_dir():
            folder.ignore(entry, "fichier hors d'un dossier de direction (attendu : <CODE>/exam_results.csv …)")
        elif code is None:
            folder.ignore(
                entry,
                f"dossier inconnu « {entry.name} » : les codes sont {', '.join(codes)}",
                likely=likely(entry.name, keys),
            )
        elif code in seen:
            folder.ignore(entry, f"second dossier pour {code} (les noms ne tiennent pas compte de la casse)", code)
        else:
            seen.add(code)
            _scan_directorate(folder, entry, code)
    return folder


def _scan_directorate(folder: PeriodFolder, directory: Path, code: str) -> None:
    found: dict[str, list[Path]] = {source: [] for source in SOURCES}
    unknown = []
    for entry in sorted(directory.iterdir()):
        stem, suffix = entry.stem.strip().lower(), entry.suffix.strip().lower()
        if stem in found and suffix in EXTENSIONS and not entry.is_dir():
            found[stem].append(entry)
        elif stem in found and suffix == ".xls":
            folder.ignore(entry, EXCEL_97_IGNORED, code, stem)
        else:
            unknown.append(entry)
    for entry in unknown:
        source = likely_source(entry.name)
        if source and found[source]:
            reason = f"second fichier pour {source} : seul « {found[source][0].name} » est lu"
        elif source:
            reason = f"nom de fichier inconnu : si c'est {source}, le renommer {source}.csv ou {source}.xlsx"
        else:
            reason = "nom de fichier inconnu : attendu exam_results ou voucher_ledger, en .csv ou .xlsx"
        folder.ignore(entry, reason, code, likely=source)
    for source, paths in found.items():
        if len(paths) == 1:
            folder.drops[(code, source)] = Drop(folder.period, code, source, paths[0])
        elif len(paths) > 1:
            for path in paths:
                folder.ignore(
                    path,
                    f"{source} envoyé en plusieurs fichiers ({', '.join(p.name for p in paths)}) : "
                    "n'en garder qu'un ; la source est traitée comme non envoyée",
                    code,
                    source,
                )


def likely_source(name: str) -> str | None:
    """The source a file of unknown name most likely is: `exam_results (1).csv`, `Voucher ledger.xlsx`."""
    key = folder_key(Path(name).stem)
    for source in SOURCES:
        if key.startswith(folder_key(source)):
            return source
    return likely(Path(name).stem, {folder_key(source): source for source in SOURCES})


def earlier_periods(raw_dir: Path, period: Period) -> list[Period]:
    """Periods before `period` that have a folder in `raw_dir`, newest first (for carry-over)."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        return []
    found = set()
    for entry in raw_dir.iterdir():
        if entry.is_dir() and not entry.is_symlink() and PERIOD_PATTERN.match(entry.name):
            try:
                found.add(Period.parse(entry.name))
            except ValueError:
                continue  # a folder named like a week that does not exist
    return sorted((p for p in found if p < period), reverse=True)


def scan_folders(
    raw_dir, period: Period, codes: list[str], names: Mapping[str, Iterable[str]] | None = None
) -> list[PeriodFolder]:
    """The period's folder, then every earlier one, newest first (carry-over looks in this order)."""
    return [scan_period(raw_dir, p, codes, names) for p in [period, *earlier_periods(raw_dir, period)]]


def folders_up_to(folders: list[PeriodFolder], period: Period) -> list[PeriodFolder]:
    """The folders a run for `period` may read: its own (possibly empty) and the earlier ones."""
    earlier = [f for f in folders if f.period < period]
    own = next((f for f in folders if f.period == period), PeriodFolder(period))
    return [own, *earlier]
