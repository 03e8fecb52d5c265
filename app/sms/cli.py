"""Operator commands for a tenant's own SMS settings (there is no console form yet).

    python -m app.sms.cli set  --tenant T00001 --sdk-app-id 1400000000 --sign-name 某某企业 \
        --secret-id AKID… [--template-register 123456] [--template-alert 123457] [--region …]
    python -m app.sms.cli show --tenant T00001
    python -m app.sms.cli test-alert --tenant T00001 --phone 13912345678 --param 三楼 --param 离线

The SecretKey is read from SMS_TENANT_SECRET_KEY or asked for (never a command-line argument,
so it stays out of shell history); `set` without it keeps the stored key. Changes are audited
as the "cli" actor. The platform default comes from the SMS_* environment (docs/sms.md).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from sqlmodel import Session

from app.audit.services.records import Actor
from app.core import log_masking
from app.core.db import session_scope
from app.core.errors import DomainError
from app.core.model_base import pk
from app.core.tenancy import TenantScope
from app.sms.services import sms as service
from app.tenants.models import Tenant
from app.tenants.queries import tenant_by_code

CLI_ACTOR = Actor(account_id=None, name="cli")


def _tenant(session: Session, code: str) -> Tenant:
    tenant = tenant_by_code(session, code)
    if tenant is None:
        raise SystemExit(f"No tenant with code {code!r}")
    return tenant


def _secret_key(required: bool) -> str | None:
    key = os.environ.get("SMS_TENANT_SECRET_KEY")
    if key is None and sys.stdin.isatty():
        key = getpass.getpass("SecretKey (empty: keep the stored one): ")
    if required and not key:
        raise SystemExit("The SecretKey is required the first time (SMS_TENANT_SECRET_KEY)")
    return key or None


def _set(session: Session, args: argparse.Namespace) -> None:
    tenant = _tenant(session, args.tenant)
    first_time = service.tenant_settings(session, pk(tenant)) is None
    values = service.SmsSettingsInput(
        sdk_app_id=args.sdk_app_id,
        sign_name=args.sign_name,
        secret_id=args.secret_id,
        secret_key=_secret_key(first_time),
        template_register=args.template_register,
        template_alert=args.template_alert,
        region=args.region,
        endpoint=args.endpoint,
    )
    service.save_settings(
        session=session,
        scope=TenantScope.platform(),
        tenant_id=pk(tenant),
        values=values,
        actor=CLI_ACTOR,
    )
    print(f"SMS settings of {tenant.code} saved.")


def _show(session: Session, args: argparse.Namespace) -> None:
    tenant = _tenant(session, args.tenant)
    row = service.tenant_settings(session, pk(tenant))
    if row is None:
        print(f"{tenant.code}: no own settings (the platform's SMS_* settings apply, if any)")
        return
    shown = ("sdk_app_id", "sign_name", "secret_id", "region", "template_register")
    for name in (*shown, "template_alert", "endpoint", "updated_at"):
        print(f"{name:<18} {getattr(row, name)}")
    print(f"{'secret_key':<18} (stored encrypted)")


def _test_alert(session: Session, args: argparse.Namespace) -> None:
    tenant = _tenant(session, args.tenant)
    service.send_alert_sms(session, pk(tenant), args.phone, args.param or [])
    print("Sent.")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m app.sms.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    setter = commands.add_parser("set", help="create or replace a tenant's SMS settings")
    setter.add_argument("--tenant", required=True, help="the tenant's code")
    setter.add_argument("--sdk-app-id", required=True)
    setter.add_argument("--sign-name", required=True)
    setter.add_argument("--secret-id", required=True)
    setter.add_argument("--template-register")
    setter.add_argument("--template-alert")
    setter.add_argument("--region", default="ap-guangzhou")
    setter.add_argument("--endpoint")
    commands.add_parser("show", help="print a tenant's SMS settings").add_argument(
        "--tenant", required=True
    )
    tester = commands.add_parser("test-alert", help="send one alert text")
    tester.add_argument("--tenant", required=True)
    tester.add_argument("--phone", required=True)
    tester.add_argument("--param", action="append", help="a template parameter, in order")
    return parser


COMMANDS = {"set": _set, "show": _show, "test-alert": _test_alert}


def main(argv: list[str] | None = None) -> int:
    log_masking.install()
    args = _parser().parse_args(argv)
    try:
        with session_scope() as session:
            COMMANDS[args.command](session, args)
    except DomainError as refused:
        print(f"Refused: {refused.key} {refused.params}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
