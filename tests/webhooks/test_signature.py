"""The signature as docs/webhooks.md documents it: the worked example, and the receivers' Python
and Java verification code printed there, run against it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app.webhooks.services.delivery import signature

DOC = (Path(__file__).resolve().parents[2] / "docs" / "webhooks.md").read_text()
SECRET = "whsec_test_4eC39HqLyjWDarjtT1zdp7dc"
TIMESTAMP = 1796535000
EXPECTED = "v1=91f2dcd925a9be439997816ebf04b6499b17a9a15b916f3e4648fd90974d2462"


def _block(language: str) -> str:
    return re.search(rf"```{language}\n(.*?)```", DOC, re.S).group(1)


def _example_body() -> bytes:
    return re.search(r"body \(one line, UTF-8\):\n\n```\n(.*?)\n```", DOC, re.S).group(1).encode()


def test_the_documented_example_is_what_we_sign() -> None:
    assert f"Webhook-Signature: {EXPECTED}" in DOC
    assert signature(SECRET, TIMESTAMP, _example_body().decode()) == EXPECTED
    assert signature(SECRET, TIMESTAMP + 1, _example_body().decode()) != EXPECTED


def test_the_documented_python_verifier_accepts_ours_and_refuses_the_rest() -> None:
    scope: dict = {}
    exec(_block("python"), scope)  # the code receivers copy, as printed
    verify, body = scope["verify_webhook"], _example_body()
    headers = {"Webhook-Timestamp": str(TIMESTAMP), "Webhook-Signature": EXPECTED}
    assert verify(SECRET, headers, body, now=TIMESTAMP + 299)
    assert verify(SECRET, {k.lower(): v for k, v in headers.items()}, body, now=TIMESTAMP)
    assert not verify(SECRET, headers, body, now=TIMESTAMP + 301)  # outside the replay window
    assert not verify("whsec_other", headers, body, now=TIMESTAMP)
    assert not verify(SECRET, headers, body.replace(b"CAB-0007", b"CAB-0008"), now=TIMESTAMP)
    assert not verify(SECRET, headers | {"Webhook-Timestamp": "x"}, body, now=TIMESTAMP)


@pytest.mark.skipif(shutil.which("javac") is None, reason="no JDK on this machine")
def test_the_documented_java_verifier_agrees(tmp_path: Path) -> None:
    (tmp_path / "WebhookVerifier.java").write_text(_block("java"))
    (tmp_path / "body.json").write_bytes(_example_body())
    (tmp_path / "Check.java").write_text(
        "import java.nio.file.*;\n"
        "public class Check { public static void main(String[] a) throws Exception {\n"
        '  byte[] body = Files.readAllBytes(Paths.get("body.json"));\n'
        f'  String s = "{SECRET}", t = "{TIMESTAMP}", sig = "{EXPECTED}";\n'
        f"  System.out.println(WebhookVerifier.verify(s, t, sig, body, {TIMESTAMP + 299}L));\n"
        f"  System.out.println(WebhookVerifier.verify(s, t, sig, body, {TIMESTAMP + 301}L));\n"
        '  System.out.println(WebhookVerifier.verify("whsec_x", t, sig, body, '
        f"{TIMESTAMP}L));\n"
        "}}\n"
    )
    subprocess.run(["javac", "WebhookVerifier.java", "Check.java"], cwd=tmp_path, check=True)
    ran = subprocess.run(
        ["java", "Check"], cwd=tmp_path, check=True, capture_output=True, text=True
    )
    assert ran.stdout.split() == ["true", "false", "false"]
