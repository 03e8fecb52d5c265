"""The message keys the product builds at run time, for tests/core/test_i18n.py.

A family is a key template (`"command.kind.{}"`) and where its values come from: an enum or a
tuple the building code itself uses, or, where the code keeps none, the strings of the modules
that produce them. A key of a family counts as used only when the code builds that template
(an f-string or a concatenation) AND its value is one of those.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from functools import cache
from pathlib import Path

from sqlmodel import SQLModel

import app.models  # noqa: F401  (every table in the metadata: audit kinds and field names)
from app.alerts.models import Severity
from app.alerts.pages.alerts import STATUSES as ALERT_FILTERS
from app.alerts.state.alerts import KINDS as ALERT_PAGE_KINDS
from app.approvals.models import RequestStatus
from app.approvals.pages.flows import TRIGGERS
from app.approvals.services.flows import MAX_STEPS
from app.audit.queries import GENERIC_VERBS
from app.auth.services.catalogue import BUILTIN_ROLES, PERMISSIONS
from app.cabinets.models import CommandKind, CommandStatus
from app.cabinets.pages.cabinets import REFUSALS
from app.cabinets.services.alarms import KINDS as ALARM_KINDS
from app.inventory.models import StocktakeStatus
from app.inventory.services.adjustments import AdjustReason
from app.notify.models import DeliveryKind, RouteChannel, RoutedStatus
from app.notify.services.rules import ALERT_KINDS
from app.org.models import SyncStatus, SyncTrigger
from app.quotas.models import (
    OverQuotaPolicy,
    QuotaLimitKind,
    QuotaPeriod,
    QuotaSubject,
    QuotaTarget,
)
from app.reports.models import Channel, ReportPeriod
from app.reports.pages.tabs import EXCEPTION_FIGURES
from app.reports.queries.tab_rows import ORDER_COLUMNS, QUOTA_COLUMNS, STOCK_COLUMNS, UPTIME_COLUMNS
from app.reports.services.exports import FORMATS
from app.reports.state.reports import TABLES, TABS
from app.sso.models import ImKind, ImMatch, SsoMatch
from app.sso.services.im_service import PROVIDERS
from app.tenants.pages.tenants import STATUS_COLOUR
from app.tenants.state.settings import POLICIES
from app.wall.pages.wall import LEVEL_COLOUR
from app.webhooks.models import DeliveryStatus as WebhookStatus
from app.webhooks.pages.webhooks import STATUS_FILTERS as WEBHOOK_FILTERS
from app.withdrawals.pages.door_steps import DoorStep
from app.withdrawals.services.scale_model import DEFAULT_MODELS
from app.workorders.models import WorkOrderKind

SOURCES = ("app", "hardware")
# what an f-string's {…} or a concatenated value stands for in a key
NAME = r"[a-z0-9_]+(?:\.[a-z0-9_]+)*"


@dataclass(frozen=True)
class Family:
    template: str  # the key with "{}" where the value goes
    values: Iterable[str]

    def keys(self) -> set[str]:
        return {self.template.format(v) for v in self.values}


def _py(roots: Iterable[str] = SOURCES) -> list[Path]:
    return [p for root in roots for p in sorted(Path(root).rglob("*.py"))]


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def strings_in(*paths: str) -> set[str]:
    """Every string literal of these source files."""
    return {
        n.value
        for path in paths
        for n in ast.walk(_tree(Path(path)))
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def values(enum: type[Enum]) -> list[str]:
    return [member.value for member in enum]


def enum_values() -> set[str]:
    """The values of every enum of the product (the codes a status or decision column holds)."""
    found: set[str] = set()
    todo = list(Enum.__subclasses__())
    while todo:
        enum = todo.pop()
        todo.extend(enum.__subclasses__())
        if enum.__module__.startswith("app."):
            found |= {str(m.value) for m in enum}
    return found


@cache
def names() -> frozenset[str]:
    """Names the code gives fields: its string literals, keyword names and table columns."""
    found = {c.name for table in SQLModel.metadata.tables.values() for c in table.columns}
    for path in _py(("app",)):
        for n in ast.walk(_tree(path)):
            if isinstance(n, ast.Constant) and isinstance(n.value, str):
                found.add(n.value)
            elif isinstance(n, ast.keyword) and n.arg:
                found.add(n.arg)
    return frozenset(found)


def _action_positions(tree: ast.Module) -> dict[str, int]:
    """The functions of a module that take an audit `action`, and where it is positionally."""
    return {
        f.name: [a.arg for a in f.args.args].index("action")
        for f in ast.walk(tree)
        if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
        and "action" in [a.arg for a in f.args.args]
    }


def _audit_action_nodes(tree: ast.Module) -> set[int]:
    """The literals that name an audit action the code writes or reads ("auth.login" as an
    argument of an *audit* helper, as `action=` or a local function's `action`, compared with
    `.action`, or a module constant so used): a code in the log, not a message."""
    takes_action, helpers, actions = _action_positions(tree), [], []
    for n in ast.walk(tree):
        if isinstance(n, ast.Call):
            callee = ast.unparse(n.func)
            if "audit" in callee.lower():
                helpers += n.args
            elif callee in takes_action and len(n.args) > takes_action[callee]:
                actions.append(n.args[takes_action[callee]])
            actions += [kw.value for kw in n.keywords if kw.arg == "action"]
        elif isinstance(n, ast.Compare) and ast.unparse(n.left).endswith(".action"):
            actions += n.comparators
    found = {id(leaf) for node in helpers + actions for leaf in ast.walk(node)}
    constants = {node.id for node in actions if isinstance(node, ast.Name)}
    for n in tree.body:  # WRONG_PIN = "door.pin_refused", then action=WRONG_PIN
        if isinstance(n, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id in constants for target in n.targets
        ):
            found.add(id(n.value))
    return found


@cache
def literals() -> frozenset[str]:
    """The whole string literals of the product's code (not the table itself, not the parts of
    an f-string), but audit actions."""
    found: set[str] = set()
    for path in _py():
        if path.parent.name == "messages" or path.name == "i18n.py":
            continue
        tree = _tree(path)
        skipped = _audit_action_nodes(tree) | {
            id(part) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for part in n.values
        }
        found |= {
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skipped
        }
    return frozenset(found)


def _pattern(node: ast.expr) -> str | None:
    """The keys an f-string or a `"prefix." + value` builds, as a regular expression."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return re.escape(node.value)
    if isinstance(node, ast.JoinedStr):
        parts = [_pattern(v) if isinstance(v, ast.Constant) else NAME for v in node.values]
        return "".join(p or NAME for p in parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _pattern(node.left), _pattern(node.right)
        if left is None and right is None:
            return None
        return (left or NAME) + (right or NAME)
    return None


@cache
def built_keys() -> tuple[re.Pattern[str], ...]:
    """Every key shape the code builds at run time (f-strings and string concatenations)."""
    shapes: set[str] = set()
    for path in _py():
        if path.parent.name == "messages":
            continue
        for n in ast.walk(_tree(path)):
            if isinstance(n, ast.JoinedStr | ast.BinOp):
                shape = _pattern(n)
                if shape and NAME in shape and "\\." in shape:
                    shapes.add(shape)
    return tuple(re.compile(s) for s in shapes)


def is_built(key: str) -> bool:
    return any(shape.fullmatch(key) for shape in built_keys())


def _audit_actions() -> set[str]:
    """What audit.verb.<action> is looked up with: the actions the code writes (literals, the
    SSO settings of each IM, <table>.<create|update|delete>) and the generic verbs."""
    tables = set(SQLModel.metadata.tables)
    generic = {f"{table}.{verb}" for table in tables for verb in GENERIC_VERBS}
    return names() | {f"sso.{k}_settings" for k in values(ImKind)} | generic | set(GENERIC_VERBS)


def _modules_and_actions() -> tuple[set[str], set[str]]:
    pairs = [p.split(":") for p in PERMISSIONS]
    return {m for m, _ in pairs}, {a for _, a in pairs}


MODULES, ACTIONS = _modules_and_actions()
IM_FIELDS = {f.typed for provider in PROVIDERS.values() for f in provider.fields}
DOOR_REFUSALS = strings_in("app/withdrawals/services/sessions.py")
SCREEN_REFUSALS = DOOR_REFUSALS | strings_in("app/withdrawals/services/keypad.py")
# a scale's or RFID's Reading(…, status) gives "weight_<status>" / "rfid_<status>"; the other
# reasons are spelled out where a visit is settled
READING_STATUSES = strings_in(
    "app/withdrawals/services/ident_weight.py", "app/withdrawals/services/identify.py"
)
REVIEW_REASONS = {
    f"{source}_{status}" for source in ("weight", "rfid") for status in READING_STATUSES
}
REVIEW_REASONS |= strings_in(
    "app/withdrawals/services/identify.py",
    "app/withdrawals/services/ident_vision.py",
    "app/withdrawals/services/review.py",
    "app/withdrawals/services/closing.py",
)
PLAN_GROUPS = strings_in("app/org/queries.py")  # the keys of plan_groups' dict

FAMILIES: tuple[Family, ...] = (
    # cabinets and their commands (app/cabinets/pages/cabinets.py, services/alarms.py,
    # state/cabinets.py)
    Family("command.kind.{}", values(CommandKind)),
    Family("command.status.{}", values(CommandStatus)),
    Family("refusal.{}", REFUSALS),
    Family("alert.alarm_{}", ALARM_KINDS),
    Family("indicator.{}", DEFAULT_MODELS),
    # opening a door (app/withdrawals/services/opening.py, services/screen.py, pages/door_steps.py,
    # services/review.py)
    Family("door.refused_{}", DOOR_REFUSALS),
    Family("unlock.refused_{}", DOOR_REFUSALS),
    Family("screen.refused_{}", SCREEN_REFUSALS),
    Family("door.step_{}", values(DoorStep)),
    Family("review.reason.{}", REVIEW_REASONS),
    Family("request.{}", values(RequestStatus)),
    # people, roles and the directory (app/auth, app/org)
    Family("role.{}", [r.code for r in BUILTIN_ROLES]),
    Family("module.{}", MODULES),
    Family("action.{}", ACTIONS),
    Family("login.{}", values(ImKind)),
    Family("org.bad_{}", names()),
    Family("orgsync.trigger.{}", values(SyncTrigger)),
    Family("orgsync.status.{}", values(SyncStatus)),
    Family(
        "orgsync.reason.{}",
        strings_in("app/org/services/directory_plan.py", "app/org/services/wecom_directory.py"),
    ),
    Family("orgsync.group.{}", PLAN_GROUPS),
    Family("orgsync.field.{}", names()),
    # the fields a refusal names, in each form's words
    Family("field.{}", names()),
    Family("items.field.{}", names()),
    Family("quotas.field.{}", names()),
    Family("approvals.field.{}", names()),
    Family("approvals.field.step{}", [str(n) for n in range(1, MAX_STEPS + 1)]),
    Family("webhooks.field.{}", names()),
    Family("subs.field.{}", names()),
    Family("routing.field_name.{}", names()),
    # quotas and approvals
    Family("quotas.subject.{}", values(QuotaSubject)),
    Family("quotas.target.{}", values(QuotaTarget)),
    Family("quotas.period.{}", values(QuotaPeriod)),
    Family("quotas.policy.{}", values(OverQuotaPolicy)),
    Family("quotas.limit.{}", values(QuotaLimitKind)),
    Family("approvals.trigger.{}", TRIGGERS),
    Family("approvals.status.{}", values(RequestStatus)),
    # stock
    Family("stocktake.status.{}", values(StocktakeStatus)),
    Family("stocktake.not_{}", values(StocktakeStatus)),
    Family("stocktake.reason.{}", values(AdjustReason)),
    # alerts, their routing and the wall
    Family("alerts.status.{}", ALERT_FILTERS),
    Family("alerts.kind.{}", ALERT_PAGE_KINDS),
    Family("routing.kind_of.{}", ALERT_KINDS),
    Family("routing.severity.{}", values(Severity)),
    Family("routing.channel.{}", values(RouteChannel)),
    Family("routing.msg.{}", values(DeliveryKind)),
    Family("routing.kind.{}", values(DeliveryKind)),
    Family("routing.status.{}", values(RoutedStatus)),
    Family("routing.ack.{}", {"done", "ask"} | strings_in("app/notify/services/acks.py")),
    Family("wall.fault.{}", ALERT_KINDS),
    Family("wall.level.{}", LEVEL_COLOUR),
    # reports and their subscriptions
    Family("reports.kind.{}", values(ReportPeriod)),
    Family("reports.by.{}", {*TABS, *TABLES}),
    Family("reports.col.{}", TABLES),
    Family("reports.stock.{}", STOCK_COLUMNS),
    Family("reports.orders.{}", ORDER_COLUMNS),
    Family("reports.orders.kind.{}", values(WorkOrderKind)),
    Family("reports.exc.{}", EXCEPTION_FIGURES),
    Family("reports.quota.{}", QUOTA_COLUMNS),
    Family("reports.uptime.{}", UPTIME_COLUMNS),
    Family("reports.export_{}", FORMATS),
    Family("subs.kind.{}", values(ReportPeriod)),
    Family("subs.channel.{}", values(Channel)),
    # the rest of the console
    Family("home.recent.{}", strings_in("app/dashboard/pages/home.py")),
    Family("workorders.col.{}", strings_in("app/workorders/queries.py")),
    Family("apikeys.state.{}", strings_in("app/apikeys/queries.py")),
    Family("webhooks.status.{}", {*WEBHOOK_FILTERS, *values(WebhookStatus)}),
    Family("policy.{}", [policy.key for policy, _, _ in POLICIES]),
    Family("{}.heading", ["sms", "sso", *values(ImKind)]),
    Family("{}.help", ["sms", "sso", *values(ImKind)]),
    Family("{}.match_field", ["sso", *values(ImKind)]),
    Family("{}.start_link", values(ImKind)),
    Family("{}.secret", values(ImKind)),
    *(Family(f"{kind}.{{}}", IM_FIELDS) for kind in values(ImKind)),
    Family("sso.match.{}", values(SsoMatch)),
    *(Family(f"{kind}.match.{{}}", values(ImMatch)) for kind in values(ImKind)),
    Family("tenant_status.{}", STATUS_COLOUR),
    Family("provider_status.{}", STATUS_COLOUR),
    Family("audit.verb.{}", _audit_actions()),
    Family("audit.kind.{}", set(SQLModel.metadata.tables)),
    Family("audit.field.{}", names()),
    Family("audit.value.{}", enum_values()),
)
