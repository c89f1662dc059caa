"""Administration from the server's shell.

    python -m casework.admin create-admin --username NAME [--name "Full Name"]
        [--email ADDRESS] [--organisation "Bawaslu RI"] [--password-stdin]

Creates an administrator of the national supervisory office (created when missing) on
the database of `DATABASE_URL`, applying the migrations first. The password is asked
for twice without echo, or read from the first line of standard input with
`--password-stdin` (for scripts: `printf '%s\\n' "$PASSWORD" | python -m …`). Running it
again with the same user name changes nothing and exits 0. Exit 2: bad input."""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlmodel import Session

from casework.errors import DomainError, ValidationError
from casework.i18n import N_, translator
from casework.people.first_admin import DEFAULT_ORGANISATION, create_admin
from casework.reference.taxonomy import seed_reference_data
from casework.settings import get_settings
from db.engine import begin_write, get_engine
from db.migrate import upgrade_to_head

PASSWORD_PROMPT = N_("Password for {username}: ")
PASSWORD_AGAIN = N_("The same password again: ")
PASSWORDS_DIFFER = N_("The two passwords differ. Nothing was created.")
CREATED = N_("Administrator {username} created. Sign in at /signin.")
EXISTS = N_("{username} is already an administrator. Nothing was changed.")


def _password(args, _) -> str | None:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(_(PASSWORD_PROMPT).format(username=args.username))
    second = getpass.getpass(_(PASSWORD_AGAIN))
    if first != second:
        print(_(PASSWORDS_DIFFER), file=sys.stderr)
        return None
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m casework.admin", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-admin", help="create an administrator (idempotent)")
    create.add_argument("--username", required=True)
    create.add_argument("--name", default="", help="display name (default: the user name)")
    create.add_argument("--email", default=None)
    create.add_argument("--organisation", default=DEFAULT_ORGANISATION)
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    args = parser.parse_args(argv)
    settings = get_settings()
    _ = translator(settings.default_language)
    engine = get_engine()
    upgrade_to_head(engine)
    with Session(engine) as session:
        begin_write(session)
        seed_reference_data(session)
        session.commit()
    password = _password(args, _)
    if password is None:
        return 2
    with Session(engine) as session:
        try:
            outcome = create_admin(
                session=session,
                settings=settings,
                username=args.username,
                password=password,
                display_name=args.name,
                email=args.email,
                organisation_name=args.organisation,
            )
        except ValidationError as error:
            print(error.translated(_), file=sys.stderr)
            for field, message in error.field_errors.items():
                print(f"  {field}: {_(message).format(**error.params)}", file=sys.stderr)
            return 2
        except DomainError as error:
            print(error.translated(_), file=sys.stderr)
            return 2
    message = CREATED if outcome.created else EXISTS
    print(_(message).format(username=outcome.username))
    return 0


if __name__ == "__main__":
    sys.exit(main())
