"""Command line: ``grdp run``, ``grdp validate``, ``grdp accounts``, ``grdp estimate``, ``grdp publish``,
``grdp vintages``, ``grdp revisions``, ``grdp ingest``.

``grdp estimate --method all --region hcmc --year 2023`` prints each digital-economy method's share
with its Monte Carlo interval, its components, numerator and denominator, and the published figures.

Heavy libraries are imported inside the commands, so ``grdp --help`` answers at once.

No command answers a user's mistake with a traceback: arguments are checked by argparse (vintage labels and
dates first of all), and bad files, missing or damaged manifests, locked vintages and permission or disk errors
become one message and exit status 1. Ctrl-C and SIGTERM stop the command after its clean-up (no staging folder,
no lock, no half-written file is left) with the conventional status, 130 and 143.
"""

from __future__ import annotations

import argparse
import errno
import math
import os
import signal
import sys
from pathlib import Path

from grdp import __version__

MAX_DRAWS = 1_000_000
"""Upper bound of ``grdp estimate --draws`` (a million draws take about a minute and a few GB of memory)."""

_DISK_HINTS = {errno.ENOSPC: "the disk is full: free some space and run again",
               errno.EDQUOT: "the disk quota is exhausted: free some space and run again",
               errno.EROFS: "the file system is read-only",
               errno.EACCES: "permission denied: check who owns the folder",
               errno.EPERM: "operation not permitted: check who owns the folder"}


def _os_message(exc: OSError) -> str:
    """One line for a file-system error: what could not be done, where, and what to do."""
    where = f" {exc.filename}" if exc.filename else ""
    hint = _DISK_HINTS.get(exc.errno or 0, "")
    return f"cannot write or read{where}: {exc.strerror or exc}" + (f" ({hint})" if hint else "") + \
        "; nothing half-written was left"


def _ties(as_of: str | None) -> str:
    """The conflicting releases of an as-of selection, as a message suffix (empty when there are none)."""
    from grdp import sources

    try:
        ties = sources.tied_releases(sources.Releases(sources.load_observations(), as_of).selected)
    except sources.SourceValidationError:
        return ""
    if not ties:
        return ""
    return ("; conflicting releases of the same figure with the same date and rating, which grdp never chooses "
            "between (correct the sources or give one release a lower rating): " + " | ".join(ties))


def _cmd_run(args: argparse.Namespace) -> int:
    from grdp.base import paths
    from grdp.run import pipeline, vintage

    if args.skip_existing and paths.vintage_dir(args.vintage).exists():
        print(f"vintage {args.vintage} already exists at {paths.vintage_dir(args.vintage)}; "
              "left as it is (published vintages are never overwritten)")
        return 0
    try:
        folder = pipeline.run(args.vintage, as_of=args.as_of, region=args.region, boundary=args.boundary,
                              progress=not args.quiet)
    except (vintage.VintageError, pipeline.PipelineError, ValueError) as exc:  # SourceValidationError is a ValueError
        print(f"grdp run: {exc}", file=sys.stderr)
        return 1
    print(f"vintage {args.vintage} written to {folder}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from grdp import intake, sources
    from grdp.base import paths

    root = Path(args.path) if args.path else paths.sources_dir()
    if root.is_dir() and not (root / sources.DATA_FILE).exists():  # the sources folder: finish an interrupted intake
        try:
            for done in intake.recover_locked(root):
                print(f"{root}: {done}", file=sys.stderr)
        except intake.IntakeError as exc:
            print(f"grdp validate: {exc}", file=sys.stderr)
            return 1
    problems = sources.validate(root)
    for problem in problems:
        print(problem)
    where = args.path or "sources/"
    if problems:
        print(f"{len(problems)} problem(s) found in {where}", file=sys.stderr)
        return 1
    print(f"{where}: all source files are valid")
    return 0


def _cmd_accounts(args: argparse.Namespace) -> int:
    from grdp import accounts
    from grdp.base import classification
    from grdp.sources import Releases, SourceValidationError, load_observations

    try:
        result = accounts.assemble(args.region, args.boundary, Releases(load_observations(), args.as_of))
    except SourceValidationError as exc:
        print(f"grdp accounts: {exc}", file=sys.stderr)
        return 1
    except (accounts.AccountsError, TypeError, ValueError, KeyError) as exc:
        ties = _ties(args.as_of)
        if not ties and not isinstance(exc, accounts.AccountsError):
            raise  # a defect, not a problem of the sources
        message = exc if isinstance(exc, accounts.AccountsError) else "cannot assemble the accounts"
        print(f"grdp accounts: {message}{ties}", file=sys.stderr)
        return 1
    years = sorted(result.table["year"].unique())
    year = args.year if args.year is not None else years[-1]
    table = result.year(year)
    if table.empty:
        print(f"grdp accounts: no account for {args.region}/{args.boundary} in {year}; years available: "
              f"{', '.join(map(str, years))}", file=sys.stderr)
        return 1
    print(f"Sector accounts, {args.region} ({args.boundary} boundary), {year}, current prices, bn VND"
          + (f", as of {args.as_of}" if args.as_of else ""))
    print(f"{'code':<6}{'industry':<44}{'value':>14}{'share %':>9}  {'quality':<10}method")
    order = list(classification.SECTIONS) + ["TAX", "BTF", "BTE", "GTT", "KEY9", "TOTAL"]
    for row in table.set_index("industry").reindex([c for c in order if c in set(table["industry"])]).itertuples():
        label = classification.name(row.Index, "en")[:42]
        print(f"{row.Index:<6}{label:<44}{row.value:>14,.0f}{100 * row.share:>9.2f}  {row.quality:<10}{row.method}")
    counts = table[table["industry"].isin(list(classification.SECTIONS) + ["TAX"])]["quality"].value_counts()
    print("cells (sections and TAX): " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


METHOD_CHOICES = ("all", "gso", "mic", "hids", "oecd-core", "oecd-narrow", "oecd-broad")
"""``grdp estimate --method`` choices (kept here so that ``grdp --help`` imports nothing heavy)."""


def _interval(point: float, lower: float, upper: float) -> str:
    return f"{point:6.2f}%  [{lower:5.2f}, {upper:5.2f}]"


def _published(table) -> str:
    if table is None or table.empty:
        return "not published"
    return "; ".join(f"published {r.value:.2f}% ({r.release}, {r.rating})" for r in table.itertuples())


def _cmd_estimate(args: argparse.Namespace) -> int:
    from datetime import date

    from grdp.accounts import AccountsError
    from grdp.digital import METHODS, build
    from grdp.digital.coefficient_calibration import CalibrationError
    from grdp.digital.headline import share_table
    from grdp.digital.uncertainty import simulate
    from grdp.sources import Releases, SourceValidationError, load_observations

    methods = list(METHODS) if args.method == "all" else [args.method]
    try:
        releases = Releases(load_observations(), args.as_of or date.today().isoformat())
        model = build(args.region, args.boundary, releases)  # ValueError if the boundary does not fit
        year = args.year if args.year is not None else model.accounts.years[-1]
        simulation = simulate(model, year, draws=args.draws, seed=args.seed, methods=methods)
        headline = share_table(args.region, args.boundary, releases, methods, args.level, args.draws,
                               args.seed).set_index(["method", "year"])
    except (TypeError, KeyError, AccountsError, SourceValidationError, CalibrationError, ValueError) as exc:
        ties = "" if isinstance(exc, SourceValidationError) else _ties(args.as_of)
        if isinstance(exc, TypeError) and not ties:
            raise  # a defect, not a problem of the sources
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else ' '.join(str(exc).split())
        print(f"grdp estimate: {'cannot assemble the accounts' if isinstance(exc, TypeError) else message}{ties}",
              file=sys.stderr)
        return 1
    intervals = simulation.intervals(args.level).set_index(["method", "component"])
    print(f"Digital-economy share of GRDP, {args.region} ({args.boundary} boundary), {year}"
          + (f", as of {args.as_of}" if args.as_of else "")
          + f"; {100 * args.level:g}% intervals from {args.draws:,} draws (seed {args.seed})")
    for name in methods:
        result = model.estimate(name, year)
        total = intervals.loc[(name, "total")]
        print()
        print(f"{name}: {result.title}")
        if (name, year) in headline.index:
            row = headline.loc[(name, year)]
            shown = (f"{row['status'].replace('_', ' ')}: {row['reason']}" if row["status"] == "not_supported"
                     else f"{row['status']} {_interval(row['value'], row['lower'], row['upper'])}  {row['basis']}")
            print(f"  {'headline':<40}{shown}")
        print(f"  {'model share (reproduction)':<40}{_interval(total['point'], total['lower'], total['upper'])}   "
              f"{_published(result.published)}")
        for component in (c for c in simulation.point[name] if c != "total"):
            row = intervals.loc[(name, component)]
            print(f"    {component:<38}{_interval(row['point'], row['lower'], row['upper'])}")
        line = (f"  numerator {result.numerator:,.0f} bn VND / denominator {result.denominator:,.0f} bn VND "
                f"({result.denominator_source})")
        if not math.isnan(result.publisher_denominator):
            line += f"; the publisher divided by {result.publisher_denominator:,.0f} bn VND"
        print(line)
    return 0


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a level strictly between 0 and 1, e.g. 0.9")
    return value


def _date(text: str) -> str:
    from datetime import date

    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2025-12-31") from None


def _draws(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of draws, e.g. 20000") from None
    if not 1 <= value <= MAX_DRAWS:
        raise argparse.ArgumentTypeError(f"{text} draws: expected a whole number from 1 to {MAX_DRAWS:,}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number, e.g. 0") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"{text}: a seed is a whole number from 0 to 2**63 - 1")
    return value


def _vintage_label(text: str) -> str:
    from grdp.run.vintage import VintageError, check_name

    try:
        check_name(text)
    except VintageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _reports_state(name: str) -> str:
    from grdp.base import paths
    from grdp.run import vintage

    folder = paths.vintage_dir(name) / vintage.REPORTS
    if not folder.exists():
        return "no reports yet"
    try:
        return f"reports: {vintage.load_manifest(folder / vintage.MANIFEST)['renderer']}"
    except (vintage.VintageError, KeyError, TypeError):
        return "reports: manifest missing or damaged"


def _cmd_vintages(args: argparse.Namespace) -> int:
    from grdp.base import paths
    from grdp.run import vintage

    if args.clean:
        for folder in vintage.clean_staging():
            print(f"removed {folder}, the staging folder of a run that did not finish")
    wrong = 0
    names = vintage.vintage_folders()
    for name in names:
        broken = vintage.verify(name)
        wrong += bool(broken)
        print(f"{name}  {'intact' if not broken else 'CHANGED'}  {_reports_state(name)}")
        for problem in broken:
            print(f"  - {problem}")
    for folder in vintage.stale_staging():
        wrong += 1
        print(f"{folder}: staging folder of a run that did not finish; `grdp vintages --clean` removes it")
    root = paths.forecasts_dir()
    others = sorted(p for p in root.iterdir() if not p.name.startswith(".") and p.name not in names) \
        if root.is_dir() else []
    for path in others:
        wrong += 1
        print(f"{path}: not a vintage (a vintage is a folder named like 2025Q4)")
    if not names:
        print("no vintages yet")
    if wrong:
        print(f"{wrong} problem(s) in {root}", file=sys.stderr)
    return 1 if wrong else 0


QUANTITY_CHOICES = ("grdp", "share", "forecast", "probability")
"""``grdp revisions --quantity`` choices (the keys of ``grdp.run.revisions.QUANTITIES``, kept here for ``--help``)."""

_VALUE_FORMATS = {"grdp": "{:,.0f}", "share": "{:.2f}", "forecast": "{:.2f}", "probability": "{:.3f}"}


def _cmd_revisions(args: argparse.Namespace) -> int:
    from grdp.run import revisions, vintage

    try:
        output = vintage.check_output_path(args.output) if args.output else None
        labels = revisions.compared_vintages(args.upto)
        table = revisions.revision_table(labels[-1], vintages=labels)
    except (vintage.VintageError, revisions.RevisionError) as exc:
        print(f"grdp revisions: {exc}", file=sys.stderr)
        return 1
    if args.quantity:
        table = table[table["quantity"] == args.quantity].reset_index(drop=True)
    if output is not None:
        try:
            vintage.write_csv(table, output, spreadsheet=True)
        except OSError as exc:
            print(f"grdp revisions: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return 1
    if len(labels) == 1:
        print(f"only one vintage ({labels[0]}): nothing to compare yet")
    else:
        upto = labels[-1]
        print(f"Revisions across {len(labels)} vintages ({labels[0]} to {upto}): first and latest release of each "
              "value; revision = latest - first")
        shown = table[["quantity", "boundary", "method", "scenario", "year", "first_vintage"]].copy()
        fmt = table["quantity"].map(_VALUE_FORMATS)
        shown["first_value"] = [f.format(v) for f, v in zip(fmt, table["first_value"])]
        shown["latest_vintage"] = table["latest_vintage"]
        shown["latest_value"] = [f.format(v) for f, v in zip(fmt, table["latest_value"])]
        shown["revision"] = [f.replace("{:", "{:+").format(v) + " " + unit
                             for f, v, unit in zip(fmt, table["revision"], table["revision_unit"])]
        if not shown.empty:
            print(shown.to_string(index=False))
        compared = table["releases"] >= 2
        print(f"{len(table)} values; {int(compared.sum())} released more than once, "
              f"{int((compared & (table['revision'] != 0)).sum())} of them revised; "
              f"{int((table['latest_vintage'] != upto).sum())} no longer released in {upto}")
    if args.output:
        print(f"revision table written to {args.output}")
    return 0


def _cmd_publish(args: argparse.Namespace) -> int:
    from grdp.base import paths
    from grdp.publish import render
    from grdp.run import vintage

    if args.skip_existing and (paths.vintage_dir(args.vintage) / render.REPORTS).exists():
        print(f"the reports of vintage {args.vintage} already exist at "
              f"{paths.vintage_dir(args.vintage) / render.REPORTS}; left as they are (never overwritten)")
        return 0
    if args.issuer:
        from grdp.report import issuer

        try:
            issuer.load(Path(args.issuer))
        except (OSError, ValueError) as exc:
            print(f"grdp publish: {exc}", file=sys.stderr)
            return 1
        os.environ[issuer.ENVIRONMENT] = str(Path(args.issuer).resolve())  # the report kernels inherit it
    if (render.quarto() is None and args.renderer == "auto") or args.renderer == "preview":
        print(render.PREVIEW_WARNING, file=sys.stderr)
    try:
        result = render.publish(args.vintage, renderer=args.renderer, progress=not args.quiet)
    except (vintage.VintageError, render.PublishError, FileNotFoundError, ValueError) as exc:
        print(f"grdp publish: {exc}", file=sys.stderr)
        return 1
    print(f"reports of vintage {args.vintage} written to {result.folder} ({result.renderer})")
    for name in result.files:
        print(f"  {name}")
    return 0


INGEST_EXIT_NOTHING_NEW = 3
"""``grdp ingest`` exit code when the release is already in ``sources/`` (the workflow opens no pull request)."""


def _ingest_release(args: argparse.Namespace, folder: Path):
    """Read the release the ``grdp ingest`` subcommand names (downloading it into ``folder`` if asked)."""
    from grdp.intake import download, monthly_report, nsdp_sdmx, office_table, template

    if args.source == "release":
        return template.read_template(args.file)
    if args.source == "table":
        return office_table.read_office_table(
            args.file, dataset=args.dataset, region=args.region, boundary=args.boundary, variable=args.variable,
            price_basis=args.price_basis, unit=args.unit, publisher=args.publisher,
            publication_date=args.publication_date, url=args.url, rating=args.rating, sheet=args.sheet)
    path = Path(args.file) if args.file else download.fetch(args.url, folder)
    if args.source == "sdmx":
        return nsdp_sdmx.read_nsdp_gdp(path, url=args.url, publication_date=args.publication_date)
    return monthly_report.read_monthly_report(path, publication_date=args.publication_date, url=args.url,
                                              dataset=args.dataset)


def _cmd_ingest(args: argparse.Namespace) -> int:
    import tempfile

    from grdp import intake
    from grdp.intake import template

    if args.template:
        try:
            print(f"empty release template written to {template.write_template(args.template)}")
        except ValueError as exc:
            print(f"grdp ingest: {exc}", file=sys.stderr)
            return 1
        return 0
    if args.source is None:
        print("grdp ingest: name what to read (release, sdmx, monthly, table) or give --template PATH; "
              "see grdp ingest --help", file=sys.stderr)
        return 2
    try:
        with tempfile.TemporaryDirectory(prefix="grdp-ingest-") as folder:
            release = _ingest_release(args, Path(folder))
            if getattr(args, "new_dataset", None):
                release.new_dataset_title = args.new_dataset
            plan = intake.plan(release, skip_unchanged=args.source == "sdmx" and not args.keep_unchanged)
        print(intake.summary(plan, show_all=args.all))
        confirmed = args.apply
        if not confirmed and sys.stdin.isatty():
            confirmed = input(f"Append these {len(plan.rows)} row(s)? [y/N] ").strip().casefold() in ("y", "yes")
        if not confirmed:
            print("Dry run: nothing written. Run again with --apply to append the rows.")
            return 0
        written = intake.apply(plan)
    except intake.IntakeError as exc:
        print(f"grdp ingest: {exc}", file=sys.stderr)
        return INGEST_EXIT_NOTHING_NEW if exc.nothing_new else 1
    print("written: " + ", ".join(str(p) for p in written))
    return 0


def _ingest_parser(sub) -> None:
    ingest = sub.add_parser("ingest", help="bring a new release into sources/ (dry run; --apply to write)",
                            description="Read a release, check it against the source contract and the rows already "
                            "in sources/, show what it adds (new figures, revisions, differences from other "
                            "publishers) and, with --apply or on confirmation, append it. Exit 0: done or dry run; "
                            f"1: refused; {INGEST_EXIT_NOTHING_NEW}: the release is already in sources/.")
    ingest.add_argument("--template", metavar="PATH", help="write the empty release template (.csv or .xlsx) and exit")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--apply", action="store_true", help="append the rows (default: dry run)")
    common.add_argument("--all", action="store_true", help="list every figure in the summary")
    readers = ingest.add_subparsers(dest="source")
    release = readers.add_parser("release", parents=[common], help="a filled release template (CSV or XLSX)")
    release.add_argument("--file", required=True)
    sdmx = readers.add_parser("sdmx", parents=[common], help="GSO's NSDP SDMX file GDPVNM.xml (GDP by section)")
    sdmx.add_argument("--file", help="read this file (default: download --url)")
    sdmx.add_argument("--url", default="https://nsdp.nso.gov.vn/GSO-chung/SDMXFiles/GSO/GDPVNM.xml",
                      help="where the file is published (recorded on every row; downloaded when no --file)")
    sdmx.add_argument("--publication-date", type=_date, help="default: the date of the SDMX header's 'Prepared'")
    sdmx.add_argument("--keep-unchanged", action="store_true",
                      help="also append figures whose value equals the previous release's")
    monthly = readers.add_parser("monthly", parents=[common],
                                 help="the GDP sheet of the statistics office's monthly report workbook")
    monthly.add_argument("--file", help="read this workbook (default: download --url)")
    monthly.add_argument("--url", required=True, help="where the workbook was published (recorded on every row)")
    monthly.add_argument("--publication-date", type=_date, required=True, help="the report's release date")
    monthly.add_argument("--dataset", default="vn_gdp_quarterly")
    monthly.add_argument("--new-dataset", metavar="TITLE", help="start the dataset with this title if it is new")
    table = readers.add_parser("table", parents=[common], help="a statistics-office wide table (years across)")
    table.add_argument("--file", required=True)
    table.add_argument("--dataset", required=True)
    table.add_argument("--sheet", default=0, type=lambda s: int(s) if s.isdigit() else s)
    for name, default in (("region", None), ("boundary", None), ("variable", "grdp"), ("price-basis", "current"),
                          ("unit", "bn_VND"), ("publisher", None), ("publication-date", None), ("url", None),
                          ("rating", "green")):
        table.add_argument(f"--{name}", default=default, required=default is None)
    table.add_argument("--new-dataset", metavar="TITLE", help="start the dataset with this title if it is new")
    ingest.set_defaults(func=_cmd_ingest, source=None)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``grdp`` command."""
    parser = argparse.ArgumentParser(prog="grdp", description="Digital-economy share of HCMC's GRDP: "
                                     "sources -> sector accounts -> estimates -> vintages -> reports.")
    parser.add_argument("--version", action="version", version=f"grdp {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="execute the pipeline notebooks and write forecasts/<vintage>")
    run.add_argument("--vintage", required=True, type=_vintage_label, help="quarter label, e.g. 2025Q4")
    run.add_argument("--as-of", type=_date, help="use releases published on or before this date, YYYY-MM-DD "
                     "(default: end of the quarter)")
    run.add_argument("--region", default="hcmc", choices=["hcmc", "binh_duong", "ba_ria_vung_tau"])
    run.add_argument("--boundary", default="old", choices=["old", "merged"])
    run.add_argument("--skip-existing", action="store_true",
                     help="if the vintage exists, say so and exit 0 instead of refusing with an error")
    run.add_argument("--quiet", action="store_true", help="no progress output")
    run.set_defaults(func=_cmd_run)

    validate = sub.add_parser("validate", help="check source folders and print every problem found")
    validate.add_argument("path", nargs="?", help="a sources folder or one dataset folder (default: sources/)")
    validate.set_defaults(func=_cmd_validate)

    acc = sub.add_parser("accounts", help="print the sector account of a region and year, with quality flags")
    acc.add_argument("--region", default="hcmc", choices=["hcmc", "binh_duong", "ba_ria_vung_tau", "vn"])
    acc.add_argument("--boundary", default=None, choices=["old", "merged", "national"])
    acc.add_argument("--year", type=int, help="default: the latest year")
    acc.add_argument("--as-of", type=_date, help="use releases published on or before this date (YYYY-MM-DD)")
    acc.set_defaults(func=_cmd_accounts)

    est = sub.add_parser("estimate", help="print digital-economy shares by method, with intervals and the "
                         "published figures")
    est.add_argument("--method", default="all", choices=METHOD_CHOICES)
    est.add_argument("--region", default="hcmc", choices=["hcmc", "binh_duong", "ba_ria_vung_tau", "vn"])
    est.add_argument("--boundary", default=None, choices=["old", "merged", "national"])
    est.add_argument("--year", type=int, help="default: the latest year of the accounts")
    est.add_argument("--as-of", type=_date, help="use releases published on or before this date (YYYY-MM-DD)")
    est.add_argument("--draws", type=_draws, default=20_000,
                     help=f"Monte Carlo draws, 1 to {MAX_DRAWS:,} (default 20000)")
    est.add_argument("--seed", type=_seed, default=0, help="seed of the random generator, 0 or more (default 0)")
    est.add_argument("--level", type=_fraction, default=0.9, help="interval level (default 0.9)")
    est.set_defaults(func=_cmd_estimate)

    pub = sub.add_parser("publish", help="render the reports and the XLSX workbook of a vintage into "
                         "forecasts/<vintage>/reports (Quarto if on PATH, else an HTML preview)")
    pub.add_argument("--vintage", required=True, type=_vintage_label, help="a published vintage, e.g. 2025Q4")
    pub.add_argument("--renderer", default="auto", choices=["auto", "quarto", "preview"],
                     help="auto: quarto when on PATH, else the papermill + nbconvert preview (default)")
    pub.add_argument("--skip-existing", action="store_true",
                     help="if the reports exist, say so and exit 0 instead of refusing with an error")
    pub.add_argument("--quiet", action="store_true", help="no progress output")
    pub.add_argument("--issuer", metavar="PATH", help="issuer file (name, contact, date of issue) printed in the "
                     "reports' masthead and colophon (default: grdp/data/issuer.yaml)")
    pub.set_defaults(func=_cmd_publish)

    vint = sub.add_parser("vintages", help="list vintages, check every file against their manifests, report staging "
                          "folders of runs that did not finish; exit 1 if anything is wrong")
    vint.add_argument("--clean", action="store_true", help="first remove the staging folders of runs that did not "
                      "finish")
    vint.set_defaults(func=_cmd_vintages)

    rev = sub.add_parser("revisions", help="compare the values successive vintages released (GRDP, shares, "
                         "forecasts, probabilities)")
    rev.add_argument("--upto", type=_vintage_label, help="last vintage compared, e.g. 2025Q4 (default: the latest)")
    rev.add_argument("--quantity", choices=QUANTITY_CHOICES, help="only this quantity (default: all)")
    rev.add_argument("--output", help="also write the full revision table to this CSV file (not inside forecasts/ "
                     "or sources/)")
    rev.set_defaults(func=_cmd_revisions)

    _ingest_parser(sub)
    return parser


class Terminated(BaseException):
    """Raised in the main thread when the process receives SIGTERM (clean-up runs as the exception unwinds)."""


def _on_signal(signum: int, frame: object) -> None:
    for number in (signal.SIGINT, signal.SIGTERM):  # a second signal must not interrupt the clean-up
        signal.signal(number, signal.SIG_IGN)
    raise KeyboardInterrupt if signum == signal.SIGINT else Terminated


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``grdp`` console script."""
    args = build_parser().parse_args(argv)
    from grdp.run.vintage import VintageError  # after parsing: `grdp --help` imports nothing heavy

    if getattr(args, "boundary", "") is None:
        args.boundary = "national" if args.region == "vn" else "old"
    handlers = {number: signal.signal(number, _on_signal) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print(f"grdp {args.command}: interrupted (Ctrl-C); cleaned up, nothing half-written was left",
              file=sys.stderr)
        return 128 + signal.SIGINT
    except Terminated:
        print(f"grdp {args.command}: terminated (SIGTERM); cleaned up, nothing half-written was left",
              file=sys.stderr)
        return 128 + signal.SIGTERM
    except VintageError as exc:
        print(f"grdp {args.command}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"grdp {args.command}: {_os_message(exc)}", file=sys.stderr)
        return 1
    except MemoryError:
        print(f"grdp {args.command}: ran out of memory; the input is larger than this machine can hold (the intake "
              "bounds its files: see grdp ingest --help); nothing half-written was left", file=sys.stderr)
        return 1
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


if __name__ == "__main__":
    sys.exit(main())
