"""Where a report subscription is delivered: e-mail over SMTP, or a group robot's webhook on
WeCom (企业微信), DingTalk (钉钉, with its optional signed request) or Feishu/Lark (飞书, with its
optional signature). Each sender raises `DeliveryError` with a short reason on any failure (the
caller retries with backoff and shows the reason to the subscriber); a new platform is one more
function in `SENDERS`.

Formats, as each platform documents them:
- WeCom: POST {"msgtype": "markdown", "markdown": {"content": …}}; answer {"errcode": 0}.
- DingTalk: POST {"msgtype": "markdown", "markdown": {"title": …, "text": …}}; with a secret,
  `&timestamp=<ms>&sign=<urlencoded base64(HMAC-SHA256(key=secret, "<ms>\\n<secret>"))>` on the
  URL; answer {"errcode": 0}.
- Feishu: POST {"msg_type": "text", "content": {"text": …}}, with a secret also "timestamp"
  (seconds) and "sign" = base64(HMAC-SHA256(key="<seconds>\\n<secret>", message="")); answer
  {"code": 0}.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote_plus, unquote, urlparse

import httpx

from app.core.config import get_settings

TIMEOUT_S = 10.0


class DeliveryError(Exception):
    """The message did not get through; `str()` is the reason shown to the subscriber."""


@dataclass(frozen=True)
class Message:
    title: str
    markdown: str  # the summary, in Markdown (robots) — also the e-mail's text
    attachment: tuple[str, bytes] | None = None  # (file name, XLSX bytes): e-mail only


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return quote_plus(base64.b64encode(digest))


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _post(url: str, payload: dict[str, Any], ok: Callable[[dict[str, Any]], bool]) -> None:
    try:
        response = httpx.post(url, json=payload, timeout=TIMEOUT_S)
    except httpx.HTTPError as failed:
        raise DeliveryError(f"{type(failed).__name__}: {failed}"[:300]) from None
    if response.status_code != 200:
        raise DeliveryError(f"HTTP {response.status_code}")
    try:
        answer = response.json()
    except ValueError:
        raise DeliveryError("the answer is not JSON") from None
    if not ok(answer):
        raise DeliveryError(f"refused: {str(answer)[:250]}")


def send_wecom(target: str, secret: str | None, message: Message) -> None:
    payload = {"msgtype": "markdown", "markdown": {"content": message.markdown}}
    _post(target, payload, lambda a: a.get("errcode") == 0)


def send_dingtalk(target: str, secret: str | None, message: Message) -> None:
    url = target
    if secret:
        stamp = int(time.time() * 1000)
        url += f"{'&' if '?' in url else '?'}timestamp={stamp}&sign={dingtalk_sign(secret, stamp)}"
    payload = {
        "msgtype": "markdown",
        "markdown": {"title": message.title, "text": message.markdown},
    }
    _post(url, payload, lambda a: a.get("errcode") == 0)


def send_feishu(target: str, secret: str | None, message: Message) -> None:
    payload: dict[str, Any] = {
        "msg_type": "text",
        "content": {"text": f"{message.title}\n{message.markdown}"},
    }
    if secret:
        stamp = int(time.time())
        payload = {"timestamp": str(stamp), "sign": feishu_sign(secret, stamp), **payload}
    _post(target, payload, lambda a: a.get("code", a.get("StatusCode")) == 0)


def send_email(target: str, secret: str | None, message: Message) -> None:
    settings = get_settings()
    if not settings.smtp_url:
        raise DeliveryError("SMTP_URL is not set: e-mail cannot be sent")
    server = urlparse(settings.smtp_url)
    mail = EmailMessage()
    mail["Subject"], mail["From"], mail["To"] = message.title, settings.smtp_from, target
    mail.set_content(message.markdown)
    if message.attachment:
        name, data = message.attachment
        mail.add_attachment(
            data,
            maintype="application",
            subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            filename=name,
        )
    try:
        client: smtplib.SMTP
        if server.scheme == "smtps":
            client = smtplib.SMTP_SSL(server.hostname or "", server.port or 465, timeout=TIMEOUT_S)
        else:
            client = smtplib.SMTP(server.hostname or "", server.port or 587, timeout=TIMEOUT_S)
        with client:
            if server.scheme == "smtp" and client.has_extn("starttls"):
                client.starttls(context=ssl.create_default_context())
            if server.username:
                client.login(unquote(server.username), unquote(server.password or ""))
            client.send_message(mail)
    except (OSError, smtplib.SMTPException) as failed:
        raise DeliveryError(f"{type(failed).__name__}: {failed}"[:300]) from None


SENDERS: dict[str, Callable[[str, str | None, Message], None]] = {
    "email": send_email,
    "wecom": send_wecom,
    "dingtalk": send_dingtalk,
    "feishu": send_feishu,
}
