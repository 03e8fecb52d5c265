"""Messages of the webhooks page (subscriptions, the secret shown once, the delivery log)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.webhooks": ("Webhook 推送", "Webhooks"),
    "webhooks.title": ("Webhook 推送", "Webhooks"),
    "webhooks.help": (
        "把领用、异常、低库存、工单和柜子上下线事件推送到贵司系统。每个请求用订阅的密钥签名"
        "（Webhook-Signature），失败按 15 秒、30 秒、60 秒、5 分钟……重试，多次失败后等待人工处理。"
        "说明见 docs/webhooks.md。",
        "Send withdrawals, exceptions, low stock, work orders and cabinets going on/offline to "
        "your own systems. Each request is signed with the subscription's secret "
        "(Webhook-Signature); failures are retried after 15 s, 30 s, 60 s, 5 min … and then wait "
        "for a person. See docs/webhooks.md.",
    ),
    "webhooks.url_rule": (
        "地址须为 https://；仅在非生产环境下可用 http:// 指向本机或内网地址。",
        "The URL must be https://; plain http:// only to this machine or a private network, and "
        "not in production.",
    ),
    "webhooks.subscriptions": ("订阅", "Subscriptions"),
    "webhooks.add": ("新增订阅", "Add subscription"),
    "webhooks.edit": ("编辑", "Edit"),
    "webhooks.save": ("保存", "Save"),
    "webhooks.saved": ("已保存订阅", "Subscription saved"),
    "webhooks.rotate": ("更换密钥", "Rotate secret"),
    "webhooks.rotate_title": ("更换签名密钥？", "Rotate the signing secret?"),
    "webhooks.rotate_text": (
        "旧密钥立即失效：请随即把新密钥配置到接收端（期间失败的推送会自动重试）。",
        "The old secret stops at once: put the new one on your receiver right away (deliveries "
        "that fail meanwhile are retried).",
    ),
    "webhooks.disable": ("停用", "Disable"),
    "webhooks.disable_title": ("停用这个订阅？", "Disable this subscription?"),
    "webhooks.disable_text": (
        "停用后不再推送新事件，尚未发出的推送会被取消。",
        "No new events are sent to it, and deliveries still waiting are cancelled.",
    ),
    "webhooks.disabled": ("已停用订阅", "Subscription disabled"),
    "webhooks.secret_title": ("签名密钥", "Signing secret"),
    "webhooks.secret_once": (
        "请立即复制并保存到接收端：密钥只显示这一次，之后无法再查看（可以更换）。",
        "Copy it to your receiver now: the secret is shown only this once and cannot be seen "
        "again (you can rotate it).",
    ),
    "webhooks.secret_done": ("我已保存", "I have saved it"),
    "webhooks.field.name": ("名称", "Name"),
    "webhooks.field.url": ("接收地址", "Receiver URL"),
    "webhooks.field.events": ("事件", "Events"),
    "webhooks.field.is_active": ("启用", "Active"),
    "webhooks.field.tenant": ("企业", "Company"),
    "webhooks.field.status": ("状态", "Status"),
    "webhooks.https_only": (
        "{field}：须为 https:// 地址（http:// 仅限非生产环境下的本机或内网地址）",
        "{field}: must be an https:// URL (http:// only to a local or private address, not in "
        "production)",
    ),
    "webhooks.already_pending": (
        "这条推送正在等待发送，无需重发",
        "This delivery is already waiting to go out",
    ),
    "webhooks.subscription_disabled": (
        "订阅已停用，请先启用再重发",
        "The subscription is disabled; enable it before resending",
    ),
    "webhooks.log": ("推送记录", "Delivery log"),
    "webhooks.empty": ("还没有订阅。点“新增订阅”添加接收地址。", "No subscriptions yet. Add one."),
    "webhooks.log_empty": ("暂无推送记录", "Nothing sent yet"),
    "webhooks.no_attempts": ("尚未尝试发送", "Not tried yet"),
    "webhooks.open": ("查看", "Open"),
    "webhooks.delivery": ("推送", "Delivery"),
    "webhooks.payload": ("发送内容", "Payload sent"),
    "webhooks.attempts": ("尝试记录", "Attempts"),
    "webhooks.close": ("关闭", "Close"),
    "webhooks.resend": ("重发", "Resend"),
    "webhooks.resent": ("已安排重发", "Resend scheduled"),
    "webhooks.status.all": ("全部状态", "All statuses"),
    "webhooks.status.pending": ("待发送", "Pending"),
    "webhooks.status.delivered": ("已送达", "Delivered"),
    "webhooks.status.needs_attention": ("需人工处理", "Needs attention"),
    "webhooks.status.cancelled": ("已取消", "Cancelled"),
    "webhooks.col.name": ("名称", "Name"),
    "webhooks.col.url": ("接收地址", "URL"),
    "webhooks.col.events": ("事件", "Events"),
    "webhooks.col.active": ("启用", "Active"),
    "webhooks.col.actions": ("操作", "Actions"),
    "webhooks.col.time": ("时间", "Time"),
    "webhooks.col.subscription": ("订阅", "Subscription"),
    "webhooks.col.type": ("事件", "Event"),
    "webhooks.col.status": ("状态", "Status"),
    "webhooks.col.attempts": ("次数", "Attempts"),
    "webhooks.col.code": ("HTTP 状态", "HTTP status"),
    "webhooks.col.ms": ("耗时 (ms)", "Took (ms)"),
    "webhooks.col.response": ("响应 / 错误", "Response / error"),
    "audit.kind.webhook_subscription": ("Webhook 订阅", "webhook subscription"),
    "audit.kind.webhook_delivery": ("Webhook 推送", "webhook delivery"),
    "audit.verb.webhook_subscription.rotate_secret": ("更换签名密钥", "rotated the secret of"),
    "audit.verb.webhook_delivery.resend": ("重发", "resent"),
}
