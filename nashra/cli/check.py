"""`nashra check FILE`: what a directorate's staff run before sending a file."""

from __future__ import annotations

from nashra.cli.common import CommandError, period_or_last


def check(args) -> int:
    """Exit 0 when rows of the file would count, 1 when it would be rejected or every row set
    aside, 2 for a wrong call."""
    from nashra.reference import ReferenceError, load_reference
    from tasks.intake.check import check_file, guess_source, render_report

    period = period_or_last(args.period)
    try:
        reference = load_reference(args.reference_dir)
    except ReferenceError as error:
        raise CommandError(str(error)) from None
    source = args.source or guess_source(args.file)
    if source is None:
        raise CommandError(f"{args.file.name}: say which file it is with --source exam_results|voucher_ledger")
    if args.directorate and args.directorate.upper() not in reference.codes:
        raise CommandError(f"unknown directorate {args.directorate!r} (known: {', '.join(reference.codes)})")
    if not args.file.is_file():
        raise CommandError(f"file not found: {args.file}")
    report = check_file(args.file, source, period, reference)
    if args.directorate:
        name = reference.directorates.loc[args.directorate.upper()]
        print(f"{name['name_ar']} — {name['name_fr']}")
    print(render_report(report))
    return 0 if report.counts else 1
