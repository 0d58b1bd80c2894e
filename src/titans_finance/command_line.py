"""`titans-finance` command line: project utilities outside the Kedro run."""

from __future__ import annotations

import argparse
import sys

from titans_finance.synthetic import generator


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 0.5:
        raise argparse.ArgumentTypeError(f"{value} is outside [0, 0.5]")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def _port(text: str) -> int:
    value = _positive_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port (1-65535)")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="titans-finance", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser(
        "generate",
        help="write a realistic synthetic transaction export (and its anomaly ground truth)",
        description=generator.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    gen.add_argument("--rows", type=_positive_int, required=True, help="number of export lines")
    gen.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    gen.add_argument("--output", required=True, help="CSV path of the export")
    gen.add_argument("--truth", default=None,
                     help="CSV path of the injected anomalies (default: <output stem>_anomalies.csv)")
    gen.add_argument("--start", default=generator.DEFAULT_START, help="first date (YYYY-MM-DD)")
    gen.add_argument("--end", default=generator.DEFAULT_END, help="last date (YYYY-MM-DD)")
    gen.add_argument("--anomaly-rate", type=_rate, default=0.01, help="share of injected anomalies")
    gen.add_argument("--dirty-rate", type=_rate, default=0.02, help="share of dirty lines")
    gen.add_argument("--order", choices=("oldest-first", "newest-first"), default="oldest-first")
    gen.add_argument("--accounts", type=_positive_int, default=None,
                     help="write N accounts (users with a current account and a card, transfers "
                          "between them; Account and Balance columns) instead of one business "
                          "account; --rows is then the total over all accounts")
    fixes = commands.add_parser(
        "corrections", help="review or revert category corrections and the rules they made",
        description="list: corrections per key id (or one key's lines with --by); rules: the "
                    "rules corrections made (each acts at once on its merchant for whoever "
                    "made it; 'held' ones wait for review); approve: let a held rule (--id) "
                    "act; revert: undo one rule and its correction (--id), or every rule and "
                    "correction of one key (--by). The "
                    "previous files are kept as .bak; a running service stops using a "
                    "reverted rule within a second.")
    fixes.add_argument("action", choices=("list", "rules", "revert", "approve"))
    fixes.add_argument("--path", default=DEFAULT_CORRECTIONS_PATH,
                       help=f"corrections file (default {DEFAULT_CORRECTIONS_PATH}); its rules "
                            "are in <name>_rules.csv beside it")
    fixes.add_argument("--id", dest="rule_id", default=None,
                       help="a rule id such as rule-0123456789ab (from /feedback's answer, the "
                            "app or `corrections rules`)")
    fixes.add_argument("--by", "--key-id", dest="key_id", default=None,
                       help="who made them: a key id such as key-0123456789ab, or app")
    app = commands.add_parser(
        "app", help="start the interactive app (Streamlit) on this project's outputs",
        description="Serve the app (default: loopback, http://127.0.0.1:PORT): overview, "
                    "transactions, review queue with corrections, try a transaction, models "
                    "and data health, import. Run `make run` first; corrections go to the "
                    "catalog's category_corrections file. Beyond loopback it needs a login: "
                    "TITANS_APP_PASSWORD or TITANS_APP_PASSWORD_HASH (or [auth] OIDC with "
                    "TITANS_APP_USERS in .streamlit/secrets.toml); TITANS_APP_HOSTS names the "
                    "host names it is reached by (docs/security.md#the-app).")
    app.add_argument("--project", default=".", help="project root (default: the working directory)")
    app.add_argument("--port", type=_port, default=8501, help="port (default 8501)")
    app.add_argument("--address", default="127.0.0.1",
                     help="address to listen on (default 127.0.0.1: this machine only; any "
                          "other address needs a login)")
    commands.add_parser("app-password-hash",
                        help="print the TITANS_APP_PASSWORD_HASH (scrypt) of the password "
                             "given on standard input")
    commands.add_parser("key-id", help="print the id recorded with the corrections of the API "
                                       "key given on standard input (the key is never printed)")
    return parser


DEFAULT_CORRECTIONS_PATH = "data/01_raw/category_corrections.csv"


def _corrections_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    from pathlib import Path

    import pandas as pd

    from titans_finance.core.correction_rules import approve, read_rules, revert, rules_path
    from titans_finance.core.corrections import (
        CORRECTION_COLUMNS,
        CorrectionsFileError,
        corrections_by_key,
    )

    rules = rules_path(args.path)
    if not Path(args.path).is_file() and (args.action == "list" or not rules.is_file()):
        parser.error(f"{args.path}: no such corrections file")
    if args.action == "revert":
        if bool(args.rule_id) == bool(args.key_id):
            parser.error("revert needs --id RULE or --by KEY (see `titans-finance corrections "
                         "rules` and `list`)")
        try:
            removed = revert(rules, args.path, rule_id=args.rule_id, submitted_by=args.key_id)
        except CorrectionsFileError as exc:
            parser.error(str(exc))
        what = args.rule_id or args.key_id
        if args.rule_id and not removed["rules"]:
            parser.exit(1, f"no rule {args.rule_id} in {rules}\n")
        print(f"removed {_count(removed['corrections'], 'correction')} and "
              f"{_count(removed['rules'], 'rule')} of {what} from {args.path}"
              + (" (previous files: .bak beside them)" if any(removed.values()) else ""))
    elif args.action == "approve":
        if not args.rule_id:
            parser.error("approve needs --id RULE (see `titans-finance corrections rules`)")
        if not approve(rules, args.path, args.rule_id):
            parser.exit(1, f"no held rule {args.rule_id} in {rules}\n")
        print(f"approved {args.rule_id}: it acts now (a running service within a second) "
              f"and its correction is in {args.path} for the next training")
    elif args.action == "rules":
        try:
            frame = read_rules(rules)
        except CorrectionsFileError as exc:
            parser.error(str(exc))
        if args.key_id:
            frame = frame[frame["submitted_by"] == args.key_id]
        _print_table(frame[["rule_id", "tenant", "account", "merchant_key", "category", "status",
                            "rows", "submitted_at", "submitted_by"]], "no rules")
    elif args.key_id:
        lines = pd.read_csv(args.path, dtype="str", keep_default_na=False, encoding="utf-8-sig")
        lines = lines.reindex(columns=CORRECTION_COLUMNS).fillna("")
        _print_table(lines[lines["submitted_by"] == args.key_id],
                     f"no corrections from {args.key_id}")
    else:
        _print_table(corrections_by_key(args.path), "no corrections")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _print_table(frame: pd.DataFrame, empty: str) -> None:
    """A table as text, or what its emptiness means (not pandas' "Empty DataFrame")."""
    print(frame.to_string(index=False) if len(frame) else empty)


def app_command_line(port: int, address: str, hosts: list[str] | None = None,
                     max_upload_megabytes: int | None = None) -> list[str]:
    """The ``streamlit run`` command serving the app (headless, no usage statistics): only
    ``hosts`` are answered (Streamlit's own ``Host`` check on the websocket; loopback names
    when not given), with its cross-origin and XSRF checks on whatever a config file says."""
    from pathlib import Path

    from titans_finance.app import streamlit_app_path
    from titans_finance.app.access import LOOPBACK_HOSTS

    command = [sys.executable, "-m", "streamlit", "run", str(Path(streamlit_app_path())),
               "--server.address", address, "--server.port", str(port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", "--server.enableCORS", "true",
               "--server.enableXsrfProtection", "true"]
    for host in hosts or LOOPBACK_HOSTS:
        command += ["--server.allowedHosts", host]
    if max_upload_megabytes is not None:
        command += ["--server.maxUploadSize", str(max_upload_megabytes)]
    return command


def app_access_problems(address: str, access, min_password_length: int) -> list[str]:
    """Why the app must not start on ``address`` with this `app.access.Access` (empty: it
    may)."""
    from importlib.util import find_spec

    from titans_finance.app.access import PASSWORD, PASSWORD_HASH, is_loopback

    problems = access.problems(min_password_length)
    if not is_loopback(address) and not access.login_required:
        problems.insert(0, f"--address {address} listens beyond this machine and no login is "
                           f"configured: set {PASSWORD} (or {PASSWORD_HASH}, or OIDC: [auth] in "
                           ".streamlit/secrets.toml), or listen on 127.0.0.1")
    if access.oidc and find_spec("authlib") is None:
        problems.append("[auth] (OIDC) is configured but Authlib is not installed: "
                        "pip install 'Authlib>=1.3.2'")
    return problems


def _app_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    import os

    from titans_finance.app.access import Access, read_secrets
    from titans_finance.app.project import Project, project_root

    try:
        root = project_root(args.project)
        settings = Project(root).settings["app"]
        access = Access.of(os.environ, read_secrets(root))
    except (FileNotFoundError, ValueError) as exc:  # ParameterError, AccessError
        parser.error(str(exc))
    problems = app_access_problems(args.address, access, settings.login.min_password_length)
    if problems:
        parser.error("the app does not start: " + "; ".join(problems))
    hosts = access.allowed_hosts(args.address)
    print(f"titans-finance app on http://{args.address}:{args.port} (project {root}; "
          f"{'login required' if access.login_required else 'no login: this machine only'}; "
          f"host names {', '.join(hosts)}); Ctrl-C stops it", flush=True)
    os.chdir(root)
    command = app_command_line(args.port, args.address, hosts, settings.upload.max_megabytes)
    # replaced by Streamlit itself: a stop signal reaches the server, not a parent in between
    os.execve(command[0], command, {**os.environ, "TITANS_PROJECT_ROOT": str(root)})
    return 0  # not reached


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "generate":
        try:
            if args.accounts is not None:
                from titans_finance.synthetic.accounts import write_accounts

                output, truth_path, n_rows, n_truth = write_accounts(
                    accounts=args.accounts, rows=args.rows, seed=args.seed, output=args.output,
                    truth_path=args.truth, start=args.start, end=args.end,
                    anomaly_rate=args.anomaly_rate)
            else:
                export, truth = generator.generate_transactions(
                    rows=args.rows, seed=args.seed, start=args.start, end=args.end,
                    anomaly_rate=args.anomaly_rate, dirty_rate=args.dirty_rate,
                    order=args.order)
                output, truth_path = generator.write_export(export, truth, args.output,
                                                            args.truth)
                n_rows, n_truth = len(export), len(truth)
        except ValueError as exc:
            parser.error(str(exc))
        print(f"wrote {n_rows} transactions to {output} and {n_truth} anomalies to {truth_path}")
    elif args.command == "corrections":
        _corrections_command(parser, args)
    elif args.command == "app":
        return _app_command(parser, args)
    elif args.command == "app-password-hash":
        import getpass

        from titans_finance.app.access import hash_password

        password = (getpass.getpass("Password: ") if sys.stdin.isatty()
                    else sys.stdin.readline().rstrip("\r\n"))
        if not password:
            parser.error("give the password on standard input")
        print(hash_password(password))
    elif args.command == "key-id":
        from titans_finance.serving.security import key_id

        key = sys.stdin.readline().strip()
        if not key:
            parser.error("give the API key on standard input")
        print(key_id(key))
    return 0


if __name__ == "__main__":
    sys.exit(main())
