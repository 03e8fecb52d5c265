"""Messages of SMS sending (registration codes, alert texts) and the SMS settings."""

MESSAGES: dict[str, tuple[str, str]] = {
    "sms.failed": (
        "短信发送失败（{code}），请稍后再试",
        "The text message could not be sent ({code}); please try again later",
    ),
    "sms.unreachable": (
        "短信服务暂时无法连接，请稍后再试",
        "The SMS service cannot be reached; please try again later",
    ),
    "sms.not_configured": (
        "尚未配置短信发送（{code}），请联系管理员",
        "Text messages are not set up ({code}); please contact your administrator",
    ),
    "sms.auth_failed": (
        "短信服务拒绝了密钥（{code}），请管理员检查短信设置",
        "The SMS service refused the credentials ({code}); an administrator should check them",
    ),
    "sms.rate_limited": (
        "该手机号短信发送过于频繁，请稍后再试",
        "Too many text messages to this number; please try again later",
    ),
    "sms.invalid_phone": ("手机号无效，无法发送短信", "The phone number cannot receive texts"),
    "sms.timeout": (
        "短信服务响应超时，请稍后再试",
        "The SMS service did not answer in time; please try again later",
    ),
    "sms.heading": ("短信发送（腾讯云短信）", "Text messages (Tencent Cloud SMS)"),
    "sms.help": (
        "告警短信用本企业自己的短信账号发送；未设置时使用平台的账号。"
        "SecretKey 加密保存，不再显示。",
        "Alert texts go out through your own SMS account; without one the platform's is used. "
        "The SecretKey is stored encrypted and never shown again.",
    ),
    "sms.sdk_app_id": ("SDK AppID", "SDK AppID"),
    "sms.sign_name": ("短信签名", "Signature (sign name)"),
    "sms.secret_id": ("SecretId", "SecretId"),
    "sms.secret_key": ("SecretKey", "SecretKey"),
    "sms.key_kept": ("已保存；留空则不变", "Stored; leave empty to keep it"),
    "sms.template_alert": ("告警短信模板 ID", "Alert template ID"),
    "sms.region": ("地域", "Region"),
    "field.sdk_app_id": ("SDK AppID", "SDK AppID"),
    "field.sign_name": ("短信签名", "Signature"),
    "field.secret_id": ("SecretId", "SecretId"),
    "field.secret_key": ("SecretKey", "SecretKey"),
    "field.template_alert": ("告警短信模板 ID", "Alert template ID"),
    "field.template_register": ("注册验证码模板 ID", "Registration code template ID"),
    "field.region": ("地域", "Region"),
}
