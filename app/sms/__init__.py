"""Text messages (SMS): verification codes for registration and alert notices.

One real provider, Tencent Cloud SMS (SendSms, API 3.0, TC3-HMAC-SHA256), spoken over httpx;
see docs/sms.md.
"""
