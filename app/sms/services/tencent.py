"""Tencent Cloud SMS, SendSms (API 3.0, version 2021-01-11) over httpx: no vendor SDK.

Request (SendSms in the SMS API reference, 发送短信相关接口,
https://cloud.tencent.com/document/api/382/55980): a signed JSON POST to
https://sms.tencentcloudapi.com with X-TC-Action: SendSms, X-TC-Version: 2021-01-11,
X-TC-Region and a body of PhoneNumberSet (E.164, "+86…"), SmsSdkAppId, SignName, TemplateId
and TemplateParamSet (strings, in the template's order). The answer is HTTP 200 either way:
{"Response": {"Error": {"Code", "Message"}, "RequestId"}} when the whole call is refused, else
{"Response": {"SendStatusSet": [{"Code": "Ok", "PhoneNumber", "SerialNo", …}], "RequestId"}}
with one status per number.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from app.audit.services.audit import mask_value
from app.sms.services import tc3
from app.sms.services.errors import SmsDeliveryError, SmsTimeoutError, error_for_code

logger = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://sms.tencentcloudapi.com"
DEFAULT_REGION = "ap-guangzhou"
SERVICE = "sms"
ACTION = "SendSms"
VERSION = "2021-01-11"


@dataclass(frozen=True)
class TencentSmsConfig:
    """One SMS application's credentials (the SecretKey in clear: only ever held in memory)."""

    secret_id: str
    secret_key: str
    sdk_app_id: str
    sign_name: str
    region: str = DEFAULT_REGION
    endpoint: str = DEFAULT_ENDPOINT


def e164(phone: str) -> str:
    """Mainland numbers as the API wants them: "+86" and the 11 digits."""
    phone = phone.strip()
    return phone if phone.startswith("+") else f"+86{phone}"


class TencentSmsSender:
    """Sends one templated text; returns the provider's serial number or raises SmsDeliveryError."""

    def __init__(
        self,
        config: TencentSmsConfig,
        *,
        timeout: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.timeout = timeout
        self.clock = clock

    def send(self, phone: str, template_id: str, params: Sequence[str]) -> str:
        number = e164(phone)
        body = {
            "PhoneNumberSet": [number],
            "SmsSdkAppId": self.config.sdk_app_id,
            "SignName": self.config.sign_name,
            "TemplateId": template_id,
            "TemplateParamSet": [str(p) for p in params],
        }
        payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        url = httpx.URL(self.config.endpoint)
        signed = tc3.sign_request(
            secret_id=self.config.secret_id,
            secret_key=self.config.secret_key,
            service=SERVICE,
            host=url.netloc.decode("ascii"),
            action=ACTION,
            version=VERSION,
            region=self.config.region,
            payload=payload,
            timestamp=int(self.clock()),
        )
        answer = self._post(url, signed)
        return self._serial_or_raise(answer, number)

    def _post(self, url: httpx.URL, signed: tc3.SignedRequest) -> dict[str, Any]:
        try:
            reply = httpx.post(
                url, headers=signed.headers, content=signed.body, timeout=self.timeout
            )
        except httpx.TimeoutException as exc:
            raise SmsTimeoutError(code="timeout", detail=type(exc).__name__) from None
        except httpx.HTTPError as exc:
            raise SmsDeliveryError("sms.unreachable", code="network", detail=str(exc)) from None
        if reply.status_code != 200:
            raise SmsDeliveryError(code=f"HTTP {reply.status_code}", detail=reply.text[:200])
        try:
            answer = reply.json()["Response"]
        except (ValueError, KeyError, TypeError):
            raise SmsDeliveryError(code="bad_response", detail=reply.text[:200]) from None
        if not isinstance(answer, dict):
            raise SmsDeliveryError(code="bad_response", detail=reply.text[:200])
        return answer

    def _serial_or_raise(self, answer: dict[str, Any], number: str) -> str:
        request_id = answer.get("RequestId", "")
        error = answer.get("Error")
        if error:
            code, message = str(error.get("Code", "")), str(error.get("Message", ""))
            logger.warning("SendSms refused (%s, request %s): %s", code, request_id, message)
            raise error_for_code(code, message)
        for status in answer.get("SendStatusSet") or []:
            if status.get("PhoneNumber") != number:
                continue
            code = str(status.get("Code", ""))
            if code == "Ok":
                return str(status.get("SerialNo", ""))
            logger.warning("SMS to %s not sent: %s", mask_value(number), code)
            raise error_for_code(code, str(status.get("Message", "")))
        raise SmsDeliveryError(code="no_status", detail=f"request {request_id}")
