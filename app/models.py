"""Imports every table so SQLModel.metadata is complete (Alembic, tests, demo data)."""

from sqlmodel import SQLModel

from app.alerts.models import Alert
from app.apikeys.models import ApiIdempotency, ApiKey
from app.approvals.models import (
    ApprovalAction,
    ApprovalFlow,
    ApprovalRequest,
    ApprovalStep,
)
from app.audit.models import AuditLog
from app.auth.models import (
    Account,
    AuthSession,
    LoginAttempt,
    Permission,
    Role,
    RoleGrant,
    RolePermission,
)
from app.cabinets.models import (
    Cabinet,
    CabinetSnapshot,
    DeviceCommand,
    DeviceMessage,
    LanController,
    Site,
    Slot,
)
from app.core.model_base import TenantOwned
from app.inventory.models import PlanogramEntry, Stock, StockMovement, Stocktake, StocktakeLine
from app.items.models import Item, ItemTag, ItemType, Tag
from app.notify.models import AlertDelivery, AlertRoute
from app.org.models import (
    Department,
    DepartmentManager,
    OrgSyncRun,
    OrgSyncSettings,
    PhoneWhitelist,
    User,
)
from app.quotas.models import QuotaRule, QuotaUsage
from app.registration.models import VerificationCode
from app.reports.models import ReportDelivery, ReportRun, ReportSubscription
from app.sms.models import SmsMessage, SmsSettings
from app.sso.models import ImApp, SsoIssuer
from app.tenants.models import (
    ProviderStaff,
    ProviderStaffTenant,
    ServiceProvider,
    Tenant,
)
from app.wall.models import WallDisplay
from app.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEvent, WebhookSubscription
from app.withdrawals.models import Complaint, DoorSession, Withdrawal, WithdrawalLine
from app.workorders.models import WorkOrder, WorkOrderLine

metadata = SQLModel.metadata

TENANT_OWNED_MODELS: tuple[type[SQLModel], ...] = tuple(
    sorted(
        (m for m in TenantOwned.__subclasses__() if getattr(m, "__table__", None) is not None),
        key=lambda m: str(m.__tablename__),
    )
)

__all__ = [
    "Account",
    "Alert",
    "AlertDelivery",
    "AlertRoute",
    "ApiIdempotency",
    "ApiKey",
    "ApprovalAction",
    "ApprovalFlow",
    "ApprovalRequest",
    "ApprovalStep",
    "AuditLog",
    "AuthSession",
    "Cabinet",
    "CabinetSnapshot",
    "Complaint",
    "Department",
    "DepartmentManager",
    "DeviceCommand",
    "DeviceMessage",
    "DoorSession",
    "ImApp",
    "Item",
    "ItemTag",
    "ItemType",
    "LanController",
    "LoginAttempt",
    "OrgSyncRun",
    "OrgSyncSettings",
    "Permission",
    "PhoneWhitelist",
    "PlanogramEntry",
    "ProviderStaff",
    "ProviderStaffTenant",
    "QuotaRule",
    "QuotaUsage",
    "ReportDelivery",
    "ReportRun",
    "ReportSubscription",
    "Role",
    "RoleGrant",
    "RolePermission",
    "ServiceProvider",
    "Site",
    "Slot",
    "SmsMessage",
    "SmsSettings",
    "SsoIssuer",
    "Stock",
    "StockMovement",
    "Stocktake",
    "StocktakeLine",
    "Tag",
    "Tenant",
    "User",
    "VerificationCode",
    "WallDisplay",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEvent",
    "WebhookSubscription",
    "Withdrawal",
    "WithdrawalLine",
    "WorkOrder",
    "WorkOrderLine",
    "metadata",
]
