"""Report subscriptions end to end on local stand-ins: when each period's delivery comes due (08:00
local after it ends), the run made once even by two workers at the same moment, the payload and
signature each platform documents (WeCom, DingTalk, Feishu) checked by a local HTTP receiver,
e-mail with the XLSX through a local SMTP server (aiosmtpd), retries with backoff and the failure
shown to the subscriber."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import io
import threading
import time
from datetime import UTC, date, datetime, timedelta
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.audit.services.records import Actor
from app.core.config import get_settings
from app.core.errors import ValidationError
from app.core.model_base import as_utc
from app.core.tenancy import TenantScope
from app.reports.models import ReportDelivery, ReportRun
from app.reports.services import channels
from app.reports.services import subscriptions as subs
from app.reports.services.periods import Period
from tests.factories import make_account
from tests.reports.receivers import mail_server, webhook
from tests.reports.world import World, build

ME = Actor(account_id=None, name="订阅人")
CREATED = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, a Friday
DEC_1_0800 = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai


def _subscribe(session: Session, world: World, **spec) -> int:
    account = make_account(
        session, f"sub{time.monotonic_ns()}", display_name="订阅人", kind="tenant"
    )
    subscription = subs.subscribe(
        session=session, scope=TenantScope.single(world.tenant_id), tenant_id=world.tenant_id,
        account_id=account.id, spec=subs.SubscriptionSpec(**({"kind": "month"} | spec)), actor=ME,
        now=CREATED,
    )  # fmt: skip
    return subscription.id


def test_each_period_comes_due_the_morning_after_it_ends() -> None:
    zone = "Asia/Shanghai"
    assert subs.next_run("day", CREATED, zone) == datetime(2026, 11, 28, 0, tzinfo=UTC)
    assert subs.next_run("week", CREATED, zone) == datetime(2026, 11, 30, 0, tzinfo=UTC)
    monday = datetime(2026, 11, 30, 0, tzinfo=UTC)  # not 1 December: weeks start on Mondays
    assert subs.next_run("week", monday, zone) == datetime(2026, 12, 7, 0, tzinfo=UTC)
    assert subs.next_run("day", monday, zone) == datetime(2026, 12, 1, 0, tzinfo=UTC)
    assert subs.next_run("month", CREATED, zone) == DEC_1_0800
    assert subs.next_run("month", DEC_1_0800, zone) == datetime(2027, 1, 1, 0, tzinfo=UTC)
    assert subs.period_reported("month", DEC_1_0800, zone) == Period(
        "month", date(2026, 11, 1), date(2026, 11, 30)
    )
    assert subs.period_reported("week", datetime(2026, 11, 30, 0, tzinfo=UTC), zone) == Period(
        "week", date(2026, 11, 23), date(2026, 11, 29)
    )


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"kind": "hourly", "channel": "email", "target": "a@b.cn"}, "period"),
        ({"channel": "fax", "target": "a@b.cn"}, "channel"),
        ({"channel": "email", "target": "not-an-address"}, "target"),
        ({"channel": "wecom", "target": "ftp://robot/x"}, "target"),
        ({"channel": "wecom", "target": "https://qyapi.weixin.qq.com/x", "secret": "s"}, "secret"),
        ({"channel": "email", "target": "a@b.cn", "department_id": 999_999}, "department"),
    ],
)
def test_a_wrong_field_is_named(session: Session, spec: dict, field: str) -> None:
    world = build(session, count=0)
    with pytest.raises(ValidationError) as refused:
        _subscribe(session, world, **spec)
    assert refused.value.params["field"] == field


def test_a_robot_gets_the_wecom_markdown(session: Session) -> None:
    world = build(session)
    with webhook() as robot:
        _subscribe(session, world, channel="wecom", target=robot.url)
        assert subs.generate_due(session=session, now=DEC_1_0800 - timedelta(seconds=1)) == []
        (run_id,) = subs.generate_due(session=session, now=DEC_1_0800)
        (delivery_id,) = subs.due_deliveries(session=session, now=DEC_1_0800)
        assert subs.deliver(session=session, delivery_id=delivery_id, now=DEC_1_0800) == "sent"
    (request,) = robot.requests
    assert request["query"] == {"access_token": "tok123"}
    assert request["content_type"] == "application/json"
    assert (
        set(request["json"]) == {"msgtype", "markdown"} and request["json"]["msgtype"] == "markdown"
    )
    content = request["json"]["markdown"]["content"]
    assert "消耗报表" in content and "2026-11" in content and "按部门" in content
    run = session.get(ReportRun, run_id)
    assert run.status == "done"
    assert as_utc(run.period_start) == datetime(2026, 10, 31, 16, tzinfo=UTC)


def test_dingtalk_signs_its_url(session: Session) -> None:
    world = build(session, count=10)
    with webhook() as robot:
        _subscribe(session, world, channel="dingtalk", target=robot.url, secret="SECdemo")
        subs.generate_due(session=session, now=DEC_1_0800)
        (delivery_id,) = subs.due_deliveries(session=session, now=DEC_1_0800)
        subs.deliver(session=session, delivery_id=delivery_id, now=DEC_1_0800)
    (request,) = robot.requests
    stamp = request["query"]["timestamp"]
    expected = base64.b64encode(
        hmac.new(b"SECdemo", f"{stamp}\nSECdemo".encode(), hashlib.sha256).digest()
    ).decode()
    assert request["query"]["sign"] == expected  # parse_qs decoded the URL encoding once
    assert f"sign={unquote(request['raw_query'].split('sign=')[1])}" == f"sign={expected}"
    assert abs(int(stamp) - time.time() * 1000) < 60_000
    body = request["json"]
    assert body["msgtype"] == "markdown" and set(body["markdown"]) == {"title", "text"}


def test_feishu_signs_its_body(session: Session) -> None:
    world = build(session, count=10)
    with webhook() as robot:
        robot.answer = {"code": 0, "msg": "success"}
        _subscribe(session, world, channel="feishu", target=robot.url, secret="feishu-secret")
        subs.generate_due(session=session, now=DEC_1_0800)
        (delivery_id,) = subs.due_deliveries(session=session, now=DEC_1_0800)
        assert subs.deliver(session=session, delivery_id=delivery_id, now=DEC_1_0800) == "sent"
    body = robot.requests[0]["json"]
    assert set(body) == {"timestamp", "sign", "msg_type", "content"} and body["msg_type"] == "text"
    key = f"{body['timestamp']}\nfeishu-secret".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert "消耗报表" in body["content"]["text"]


def test_an_email_carries_the_xlsx(session: Session, monkeypatch) -> None:
    world = build(session)
    with mail_server() as (url, inbox):
        settings = dataclasses.replace(get_settings(), smtp_url=url, smtp_from="reports@cc.test")
        monkeypatch.setattr(channels, "get_settings", lambda: settings)
        _subscribe(session, world, channel="email", target="boss@example.cn")
        subs.generate_due(session=session, now=DEC_1_0800)
        (delivery_id,) = subs.due_deliveries(session=session, now=DEC_1_0800)
        assert subs.deliver(session=session, delivery_id=delivery_id, now=DEC_1_0800) == "sent"
    ((sender, recipients, mail),) = inbox.messages
    assert (sender, recipients) == ("reports@cc.test", ["boss@example.cn"])
    assert "消耗报表 2026-11" in mail["Subject"]
    (attachment,) = [p for p in mail.walk() if p.get_filename()]
    assert attachment.get_filename() == "consumption-2026-11.xlsx"
    book = load_workbook(io.BytesIO(attachment.get_payload(decode=True)))
    assert book.sheetnames[0] == "合计"


def test_failures_are_retried_with_backoff_then_shown(session: Session) -> None:
    world = build(session, count=5)
    with webhook() as robot:
        robot.answer = {"errcode": 310000, "errmsg": "keywords not in content"}
        subscription_id = _subscribe(session, world, channel="wecom", target=robot.url)
        subs.generate_due(session=session, now=DEC_1_0800)
        now, seen = DEC_1_0800, []
        for wait in [timedelta(0), *subs.RETRY_AFTER]:
            now += wait
            assert subs.due_deliveries(
                session=session, now=now - timedelta(seconds=1)
            ) == [] or wait == timedelta(0)
            (delivery_id,) = subs.due_deliveries(session=session, now=now)
            seen.append(subs.deliver(session=session, delivery_id=delivery_id, now=now))
        assert seen == ["pending"] * 4 + ["failed"]
        assert subs.due_deliveries(session=session, now=now + timedelta(days=1)) == []
        assert len(robot.requests) == 5
    (view,) = subs.my_subscriptions(
        session=session, scope=TenantScope.single(world.tenant_id),
        account_id=_account_of(session, subscription_id),
    )  # fmt: skip
    assert (view.last_status, view.last_attempts, view.last_period) == ("failed", 5, "2026-11")
    assert "310000" in view.last_error and view.target.endswith("?…")


def _account_of(session: Session, subscription_id: int) -> int:
    from app.reports.models import ReportSubscription

    return session.get(ReportSubscription, subscription_id).account_id


def test_a_robot_that_is_down_is_retried(session: Session) -> None:
    world = build(session, count=5)
    with webhook() as robot:
        robot.status = 502
        _subscribe(session, world, channel="wecom", target=robot.url)
        subs.generate_due(session=session, now=DEC_1_0800)
        (delivery_id,) = subs.due_deliveries(session=session, now=DEC_1_0800)
        assert subs.deliver(session=session, delivery_id=delivery_id, now=DEC_1_0800) == "pending"
        delivery = session.get(ReportDelivery, delivery_id)
        assert delivery.last_error == "HTTP 502"
        assert as_utc(delivery.next_attempt_at) == DEC_1_0800 + timedelta(minutes=1)
        robot.status = 200
        later = DEC_1_0800 + timedelta(minutes=1)
        assert subs.deliver(session=session, delivery_id=delivery_id, now=later) == "sent"
        assert session.get(ReportDelivery, delivery_id).last_error is None


@pytest.mark.dialects("postgresql")
def test_two_workers_at_once_make_one_run(engine: Engine) -> None:
    """Worker A makes the run and holds its transaction; worker B, which read the subscription
    as due before A committed, waits on the unique index, then finds the run made and skips."""
    with Session(engine) as setup:
        world = build(setup, count=3)
        _subscribe(setup, world, channel="wecom", target="http://127.0.0.1:9/robot/send")
        setup.commit()
    a_inserted, results = threading.Event(), {}

    def worker_a() -> None:
        with Session(engine) as session:
            results["a"] = subs.generate_due(session=session, now=DEC_1_0800)
            a_inserted.set()
            time.sleep(1.0)  # B is now blocked on the unique index
            session.commit()

    def worker_b() -> None:
        a_inserted.wait(10)
        with Session(engine) as session:
            results["b"] = subs.generate_due(session=session, now=DEC_1_0800)
            session.commit()

    threads = [threading.Thread(target=worker_a), threading.Thread(target=worker_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results["a"]) == 1 and results["b"] == []
    with Session(engine) as session:
        assert len(session.exec(select(ReportRun)).all()) == 1
        assert len(session.exec(select(ReportDelivery)).all()) == 1


def test_our_own_fault_is_retried_like_a_refusal(session: Session, monkeypatch) -> None:
    world = build(session, count=3)
    with webhook() as robot:
        _subscribe(session, world, channel="wecom", target=robot.url)
        subs.generate_due(session=session, now=DEC_1_0800)

        def broken(*args, **kwargs):
            raise KeyError("section")

        monkeypatch.setattr(subs, "consumption_report", broken)
        (delivery_id,) = subs.due_deliveries(session=session, now=DEC_1_0800)
        assert subs.deliver(session=session, delivery_id=delivery_id, now=DEC_1_0800) == "pending"
        assert session.get(ReportDelivery, delivery_id).last_error == "KeyError: 'section'"
        assert robot.requests == []
