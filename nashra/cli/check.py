"""`nashra check FILE`: what a directorate's staff run before sending a file."""

from __future__ import annotations

from nashra.cli.common import CommandError, period_or_last


def check(args) -> int:
    """Exit 0 when rows of the file would count, 1 when it would be rejected or every row set
    aside, 2 for a wrong call."""
    from nashra.reference import ReferenceError, load_reference
    from schemas import labels
    from tasks.intake.check import check_file, guess_source, render_report

    period = period_or_last(args.period)
    try:
        reference = load_reference(args.reference_dir)
    except ReferenceError as error:
        raise CommandError(str(error)) from None
    if args.directorate and args.directorate.upper() not in reference.codes:
        raise CommandError(f"unknown directorate {args.directorate!r} (known: {', '.join(reference.codes)})")
    if not args.file.is_file():
        raise CommandError(f"file not found: {args.file}")
    source = args.source or guess_source(args.file)
    if source is None:
        raise CommandError(
            f"{args.file.name}: لم يتعرف على نوع الملف من اسمه ولا من عناوينه / type de fichier non reconnu "
            "par son nom ni ses en-têtes : --source exam_results ou --source voucher_ledger"
        )
    if not args.source and args.file.stem.lower() != source:
        name_ar, name_fr = labels.SOURCES[source]
        print(f"{name_ar} / {name_fr} ({source}) — حسب عناوين الملف / d'après ses en-têtes")
    report = check_file(args.file, source, period, reference, args.directorate)
    if args.directorate:
        name = reference.directorates.loc[args.directorate.upper()]
        print(f"{name['name_ar']} — {name['name_fr']}")
    print(render_report(report))
    return 0 if report.counts else 1
