"""The TC3-HMAC-SHA256 signer reproduces Tencent Cloud's documented worked example exactly.

Source: "签名方法 v3" (Signature v3), https://cloud.tencent.com/document/api/213/30654 — the
DescribeInstances request in ap-guangzhou at timestamp 1551113065. The document's current
version signs content-type;host;x-tc-action with a SecretId "AKID" + 32 "*" and a SecretKey of
32 "*" (the masked strings are the literal inputs: its intermediate SecretDate value proves it);
the earlier version signed content-type;host with SecretKey "Gu5t9xGARNpq86cd98joQYCN3*******".
Every expected value below is copied from the document.
"""

from __future__ import annotations

from app.sms.services import tc3

PAYLOAD = (
    b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
)
TIMESTAMP = 1551113065
DOC_SECRET_ID = "AKID" + "*" * 32
DOC_SECRET_KEY = "*" * 32
HEADERS = {
    "Content-Type": "application/json; charset=utf-8",
    "Host": "cvm.tencentcloudapi.com",
    "X-TC-Action": "DescribeInstances",
}


def test_payload_hash_and_canonical_request_match_the_document() -> None:
    assert tc3.sha256_hex(PAYLOAD) == (
        "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    )
    canonical = tc3.canonical_request("POST", HEADERS, PAYLOAD)
    assert canonical == (
        "POST\n/\n\n"
        "content-type:application/json; charset=utf-8\n"
        "host:cvm.tencentcloudapi.com\n"
        "x-tc-action:describeinstances\n"
        "\n"
        "content-type;host;x-tc-action\n"
        "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    )
    assert tc3.string_to_sign(TIMESTAMP, "cvm", canonical) == (
        "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n"
        "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"
    )


def test_derived_keys_match_the_document() -> None:
    import hashlib
    import hmac

    secret_date = hmac.new(
        ("TC3" + DOC_SECRET_KEY).encode(), b"2019-02-25", hashlib.sha256
    ).digest()
    assert secret_date.hex() == "da98fb70dcf6b112dc21038d1eeeb3a95c74b4dcb12c1131f864f6066bd02be0"
    secret_service = hmac.new(secret_date, b"cvm", hashlib.sha256).digest()
    assert secret_service.hex() == (
        "8d70cbefb03939f929db64d32dc2ba89b1095620119fe3e050e2b18c5bd2752f"
    )
    assert tc3.signing_key(DOC_SECRET_KEY, "2019-02-25", "cvm").hex() == (
        "b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af"
    )


def test_signed_request_matches_the_documented_authorization() -> None:
    signed = tc3.sign_request(
        secret_id=DOC_SECRET_ID,
        secret_key=DOC_SECRET_KEY,
        service="cvm",
        host="cvm.tencentcloudapi.com",
        action="DescribeInstances",
        version="2017-03-12",
        region="ap-guangzhou",
        payload=PAYLOAD,
        timestamp=TIMESTAMP,
    )
    assert signed.headers["Authorization"] == (
        f"TC3-HMAC-SHA256 Credential={DOC_SECRET_ID}/2019-02-25/cvm/tc3_request, "
        "SignedHeaders=content-type;host;x-tc-action, "
        "Signature=10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f"
    )
    assert signed.headers["X-TC-Timestamp"] == "1551113065"
    assert signed.headers["X-TC-Version"] == "2017-03-12"
    assert signed.headers["X-TC-Region"] == "ap-guangzhou"
    assert signed.body == PAYLOAD


def test_earlier_documented_example_without_the_action_header() -> None:
    headers = {k: v for k, v in HEADERS.items() if k != "X-TC-Action"}
    canonical = tc3.canonical_request("POST", headers, PAYLOAD)
    assert tc3.sha256_hex(canonical.encode()) == (
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    )
    signature = tc3.signature("Gu5t9xGARNpq86cd98joQYCN3*******", TIMESTAMP, "cvm", canonical)
    assert signature == "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c"


def test_the_credential_date_is_utc_not_local() -> None:
    # 1551113065 is 2019-02-26 00:44:25 in UTC+8: the scope must still say 2019-02-25.
    assert tc3.utc_date(TIMESTAMP) == "2019-02-25"
