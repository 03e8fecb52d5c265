"""A local stand-in for https://sms.tencentcloudapi.com: an HTTP server in a thread.

It checks what Tencent Cloud checks, from the request as it arrived on the wire: the
Authorization header's shape, the credential scope's date against X-TC-Timestamp, the SecretId,
and the signature recomputed here with the SecretKey it was given (its own few lines of HMAC,
not the sender's signer: the canonical request is rebuilt from the received headers and body).
Refusals use the documented error shape, {"Response": {"Error": {"Code", "Message"},
"RequestId"}} with HTTP 200; a good SendSms gets {"Response": {"SendStatusSet": […]}}.
`fail_numbers` scripts a per-number status code; `delay` makes it slow (for timeouts).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

AUTH = re.compile(
    r"^TC3-HMAC-SHA256 Credential=(?P<id>[^/]+)/(?P<date>\d{4}-\d{2}-\d{2})/(?P<service>[a-z]+)"
    r"/tc3_request, SignedHeaders=(?P<signed>[a-z0-9;-]+), Signature=(?P<sig>[0-9a-f]{64})$"
)
MAINLAND = re.compile(r"^\+861\d{10}$")


@dataclass
class Received:
    phone: str
    sdk_app_id: str
    sign_name: str
    template_id: str
    params: list[str]
    headers: dict[str, str]


@dataclass
class SmsReceiver:
    secret_id: str
    secret_key: str
    sdk_app_id: str
    received: list[Received] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    fail_numbers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

    def expected_signature(self, headers: dict[str, str], signed: str, body: bytes) -> str:
        names = signed.split(";")
        block = "".join(f"{n}:{headers.get(n, '').strip().lower()}\n" for n in names)
        canonical = f"POST\n/\n\n{block}\n{signed}\n{hashlib.sha256(body).hexdigest()}"
        stamp = headers.get("x-tc-timestamp", "")
        date = datetime.fromtimestamp(int(stamp), UTC).strftime("%Y-%m-%d")
        to_sign = (
            f"TC3-HMAC-SHA256\n{stamp}\n{date}/sms/tc3_request\n"
            f"{hashlib.sha256(canonical.encode()).hexdigest()}"
        )
        key = ("TC3" + self.secret_key).encode()
        for part in (date, "sms", "tc3_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()

    def refusal(self, headers: dict[str, str], body: bytes) -> tuple[str, str] | None:
        match = AUTH.match(headers.get("authorization", ""))
        if match is None or not headers.get("x-tc-timestamp", "").isdigit():
            return "AuthFailure.InvalidAuthorization", "Authorization header is malformed"
        signed = match["signed"].split(";")
        if "content-type" not in signed or "host" not in signed or match["service"] != "sms":
            return "AuthFailure.InvalidAuthorization", "content-type and host must be signed"
        stamp = int(headers["x-tc-timestamp"])
        if abs(time.time() - stamp) > 300:
            return "AuthFailure.SignatureExpire", "Signature expired"
        if match["date"] != datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%d"):
            return "AuthFailure.SignatureFailure", "credential date does not match X-TC-Timestamp"
        if match["id"] != self.secret_id:
            return "AuthFailure.SecretIdNotFound", "The SecretId is not found"
        expected = self.expected_signature(headers, match["signed"], body)
        if not hmac.compare_digest(expected, match["sig"]):
            return "AuthFailure.SignatureFailure", "The provided credentials could not be validated"
        if headers.get("x-tc-action") != "SendSms" or headers.get("x-tc-version") != "2021-01-11":
            return "InvalidAction", "only SendSms 2021-01-11 is served here"
        if not headers.get("x-tc-region"):
            return "MissingParameter", "X-TC-Region is required"
        return None

    def answer(self, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        request_id = str(uuid.uuid4())
        refused = self.refusal(headers, body)
        if refused is not None:
            self.refusals.append(refused[0])
            return {"Error": {"Code": refused[0], "Message": refused[1]}, "RequestId": request_id}
        data = json.loads(body)
        if data.get("SmsSdkAppId") != self.sdk_app_id:
            code = "UnauthorizedOperation.SmsSdkAppIdVerifyFail"
            return {"Error": {"Code": code, "Message": "SdkAppId"}, "RequestId": request_id}
        return {
            "SendStatusSet": [self._status(p, data, headers) for p in data["PhoneNumberSet"]],
            "RequestId": request_id,
        }

    def _status(self, phone: str, data: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        code = self.fail_numbers.get(phone)
        if code is None and not MAINLAND.match(phone):
            code = "InvalidParameterValue.IncorrectPhoneNumber"
        if code is None:
            self.received.append(
                Received(
                    phone,
                    data["SmsSdkAppId"],
                    data["SignName"],
                    data["TemplateId"],
                    list(data.get("TemplateParamSet") or []),
                    headers,
                )
            )
        ok = code is None
        return {
            "SerialNo": f"5000:{uuid.uuid4().int % 10**28}" if ok else "",
            "PhoneNumber": phone,
            "Fee": 1 if ok else 0,
            "SessionContext": "",
            "Code": "Ok" if ok else code,
            "Message": "send success" if ok else code,
            "IsoCode": "CN",
        }


class _Handler(BaseHTTPRequestHandler):
    receiver: SmsReceiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {k.lower(): v for k, v in self.headers.items()}
        if self.receiver.delay:
            time.sleep(self.receiver.delay)
        raw = json.dumps({"Response": self.receiver.answer(headers, body)}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test)

    def log_message(self, *args: Any) -> None:
        pass


class RunningReceiver:
    """Context manager: serves on 127.0.0.1 (a free port) until the block ends."""

    def __init__(self, receiver: SmsReceiver) -> None:
        handler = type("Handler", (_Handler,), {"receiver": receiver})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.receiver = receiver
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> RunningReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
