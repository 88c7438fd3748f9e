"""Command line: `python -m bot run | chat | import-employees | seed-demo | migrate | report |
backup | restore | forget`."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bot.config import ConfigError, load_settings


def _app(migrate: bool = True):  # type: ignore[no-untyped-def]
    from bot.app import build_app

    return build_app(load_settings(), run_migrations=migrate)


def _seed(app) -> bool:  # type: ignore[no-untyped-def]
    from storage.db import transaction
    from storage.seed import seed_demo

    with transaction(app.sessions) as session:
        return seed_demo(session, app.clock())


def cmd_chat(args: argparse.Namespace) -> int:
    """Talk to the bot in the terminal as one employee."""
    from bot.handlers.console import Console
    from storage.seed import DEMO_ADMIN_NIP

    app = _app()
    _seed(app)
    Console(app, args.as_ or DEMO_ADMIN_NIP).loop()
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Run the bot: the server and channels when configured, else the console demo."""
    from bot.app import enabled_channels
    from bot.messages import Channel

    settings = load_settings()
    if enabled_channels(settings) == {Channel.CONSOLE}:
        from bot.handlers.console import Console
        from scheduler import make_scheduler
        from storage.seed import DEMO_ADMIN_NIP

        app = _app()
        if _seed(app):
            print("Data demo dimuat: 11 kantor BPS Bengkulu dan pegawai contoh.", file=sys.stderr)
        print(
            "CAN Bot (mode konsol: belum ada token Telegram/Twilio). Ketik 'menu'; "
            "Ctrl-D untuk keluar.",
            file=sys.stderr,
        )
        scheduler = make_scheduler(app, background=True)
        scheduler.start()
        try:
            Console(app, args.as_ or DEMO_ADMIN_NIP).loop()
        finally:
            scheduler.shutdown(wait=False)
        return 0
    from bot.server import serve

    return int(serve(settings))


def cmd_import(args: argparse.Namespace) -> int:
    """Import employees from CSV or XLSX; a bad row rejects the whole file."""
    from bot.importer import ImportRejected, import_employees
    from storage.db import transaction
    from storage.seed import seed_offices

    app = _app()
    try:
        with transaction(app.sessions) as session:
            seed_offices(session)
            created, updated = import_employees(session, Path(args.file), app.clock())
    except ImportRejected as exc:
        print(f"Berkas ditolak, tidak ada yang disimpan: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Berkas tidak dapat dibaca: {exc}", file=sys.stderr)
        return 1
    print(f"Impor selesai: {created} pegawai baru, {updated} diperbarui.")
    return 0


def cmd_seed(_args: argparse.Namespace) -> int:
    """Load the demo data into an empty database."""
    app = _app()
    print("Data demo dimuat." if _seed(app) else "Direktori sudah berisi; tidak ada yang diubah.")
    return 0


def cmd_migrate(_args: argparse.Namespace) -> int:
    """Bring the database schema up to date."""
    from storage.db import make_engine, migrate

    migrate(make_engine(load_settings().database_url))
    print("Skema basis data mutakhir.")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write a report's Word document and workbook from the database, showing progress."""
    from bot.calendar import to_wib
    from bot.reports.choice import parse_period, parse_program
    from bot.reports.progress import ProgressBar
    from bot.services.reports import make_report_files

    program, ref = parse_program(args.program), parse_period(args.period)
    if program is None:
        print(f"Laporan tidak dikenal: {args.program!r}.", file=sys.stderr)
        return 2
    if ref is None or not program.accepts(ref):
        print(f"Periode tidak dapat dipakai untuk laporan ini: {args.period!r}.", file=sys.stderr)
        return 2
    app = _app()
    out = Path(args.out) if args.out else app.settings.data_dir / "reports" / ref.code
    bar = ProgressBar(sys.stderr)
    try:
        with app.sessions() as session:
            _report, docx, xlsx = make_report_files(
                session,
                app.calendar,
                app.catalog,
                program,
                ref,
                out,
                today=to_wib(app.clock()).date(),
                progress=bar,
            )
    finally:
        bar.close()
        app.engine.dispose()
    print(docx)
    print(xlsx)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Write one archive of the database and DATA_DIR, then prune old ones by the retention."""
    from bot.ops.backup import BackupError, Retention, backup, prune

    settings = load_settings()
    dest = Path(args.dest) if args.dest else settings.backup_dir
    if dest is None:
        print("Tentukan folder cadangan: --dest FOLDER atau BACKUP_DIR.", file=sys.stderr)
        return 2
    try:
        archive = backup(settings.database_url, settings.data_dir, dest)
    except BackupError as exc:
        print(exc, file=sys.stderr)
        return 1
    keep = Retention(
        settings.backup_keep_daily, settings.backup_keep_weekly, settings.backup_keep_monthly
    )
    for old in prune(dest, keep):
        print(f"dihapus (retensi): {old}", file=sys.stderr)
    print(archive)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore an archive into an empty database and data folder, then migrate forward."""
    from bot.ops.backup import BackupError, restore

    settings = load_settings()
    try:
        manifest = restore(Path(args.archive), settings.database_url, settings.data_dir)
    except BackupError as exc:
        print(f"Pemulihan ditolak: {exc}", file=sys.stderr)
        return 1
    rows = sum(manifest.counts.values())
    print(
        f"Dipulihkan: cadangan {manifest.created_at} (skema {', '.join(manifest.revision)}), "
        f"{rows} baris, {manifest.files} berkas; skema kini mutakhir."
    )
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    """Anonymise a person who left; the figures of past reports stay the same."""
    from bot.ops.privacy import ForgetRefused, forget
    from storage.db import transaction

    app = _app()
    try:
        with transaction(app.sessions) as session:
            done = forget(session, args.nip, app.clock())
    except ForgetRefused as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        app.engine.dispose()
    print(
        f"Dianonimkan sebagai {done.pseudonym}: {done.rows_scrubbed} baris dibersihkan, "
        f"{len(done.files_removed)} berkas dihapus."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="CAN Bot")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the bot (console demo when no channel is configured)")
    run.add_argument("--as", dest="as_", help="console demo: NIP or phone to talk as")
    run.set_defaults(func=cmd_run)
    chat = sub.add_parser("chat", help="talk to the bot in the terminal")
    chat.add_argument(
        "--as", dest="as_", help="NIP or phone of the employee (default: demo admin)"
    )
    chat.set_defaults(func=cmd_chat)
    imp = sub.add_parser("import-employees", help="import the directory from CSV or XLSX")
    imp.add_argument("file")
    imp.set_defaults(func=cmd_import)
    sub.add_parser("seed-demo", help="load demo data into an empty database").set_defaults(
        func=cmd_seed
    )
    sub.add_parser("migrate", help="migrate the database").set_defaults(func=cmd_migrate)
    rep = sub.add_parser("report", help="write a report (DOCX and XLSX) from the database")
    rep.add_argument("program", help="event-team | serawai | pegasus | semester")
    rep.add_argument("period", help='2025Q2, 2025H1, "Triwulan II 2025", "Semester I 2025"')
    rep.add_argument("--out", help="folder for the files (default: DATA_DIR/reports/<period>)")
    rep.set_defaults(func=cmd_report)
    bak = sub.add_parser("backup", help="write one archive of the database and DATA_DIR")
    bak.add_argument("--dest", help="folder for the archive (default: BACKUP_DIR)")
    bak.set_defaults(func=cmd_backup)
    res = sub.add_parser("restore", help="restore an archive into an empty database and folder")
    res.add_argument("archive")
    res.set_defaults(func=cmd_restore)
    fgt = sub.add_parser("forget", help="anonymise a person who left (UU 27/2022)")
    fgt.add_argument("nip")
    fgt.set_defaults(func=cmd_forget)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args))
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
