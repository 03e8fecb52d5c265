"""Messages: alerts — what each alert says, the alert centre in the header and the console's
alerts page. key: (zh-CN, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # what an alert says (Alert.message_key, with its params)
    "alert.low_stock": (
        "{cabinet} 货位 {slot} 的 {item} 低于下限（现有 {quantity}，下限 {min}）",
        "{item} in {cabinet} slot {slot} is below its minimum ({quantity} left, minimum {min})",
    ),
    "alert.cabinet_offline": (
        "智能柜「{cabinet}」（{code}）已离线",
        "Cabinet {cabinet} ({code}) is offline",
    ),
    "alert.quota_exceeded": (
        "{person} 超出领用额度「{rule}」：已用 {used}，额度 {limit}",
        '{person} went over the quota "{rule}": {used} used of {limit}',
    ),
    "alert.alarm_door_forced": (
        "{cabinet}（{code}）的门被强行打开",
        "The door of {cabinet} ({code}) was forced open",
    ),
    "alert.alarm_door_left_open": (
        "{cabinet}（{code}）的门未关好",
        "The door of {cabinet} ({code}) was left open",
    ),
    "alert.door_left_open": (
        "{cabinet}（{code}）的门已打开 {minutes} 分钟未关（{person}，会话 {session}）",
        "The door of {cabinet} ({code}) has been open {minutes} min ({person}, session {session})",
    ),
    "alert.alarm_tamper": (
        "{cabinet}（{code}）检测到撬动",
        "Tampering detected at {cabinet} ({code})",
    ),
    "alert.alarm_scale_fault": (
        "{cabinet}（{code}）{slot} 格的秤故障",
        "The scale of slot {slot} in {cabinet} ({code}) is faulty",
    ),
    "alert.alarm_rfid_fault": (
        "{cabinet}（{code}）的 RFID 读写器故障",
        "The RFID reader of {cabinet} ({code}) is faulty",
    ),
    "alert.alarm_power_loss": ("{cabinet}（{code}）断电", "{cabinet} ({code}) lost power"),
    "alert.alarm_clock_unsynced": (
        "{cabinet}（{code}）的时钟未同步",
        "The clock of {cabinet} ({code}) is not synchronised",
    ),
    "alert.seq_gap": (
        "智能柜 {cabinet} 的消息出现缺口（应为 {expected}，收到 {seq}）",
        "Messages from cabinet {cabinet} have a gap (expected {expected}, got {seq})",
    ),
    "alert.restricted_taken": (
        "{person} 未经审批领用了需审批的物品：{items}",
        "{person} took items that need an approval without one: {items}",
    ),
    "alert.ledger_mismatch": (
        "库存与流水不符：货位 {slot} 物品 {item}（流水 {ledger}，库存 {stock}）",
        "Stock and ledger disagree: slot {slot}, item {item} (ledger {ledger}, stock {stock})",
    ),
    # the alert centre (the bell in the header)
    "alerts.title": ("未处理告警", "Unresolved alerts"),
    "alerts.bell": ("告警", "Alerts"),
    "alerts.none": ("没有未处理的告警", "No unresolved alerts"),
    "alerts.none_matching": ("没有符合条件的告警", "No alerts match these filters"),
    "alerts.ack": ("确认", "Acknowledge"),
    "alerts.acknowledged": ("已确认", "Acknowledged"),
    "alerts.times": ("次", "×"),
    "alerts.col.time": ("时间", "Time"),
    "alerts.col.severity": ("级别", "Severity"),
    "alerts.col.message": ("内容", "Message"),
    "alerts.col.count": ("次数", "Count"),
    "alerts.col.status": ("状态", "Status"),
    "alerts.many_new": ("{count} 条新告警", "{count} new alerts"),
    "alerts.more": ("仅显示最新 20 条", "Showing the newest 20"),
    # the console's alerts page
    "alerts.critical": ("严重", "Critical"),
    "alerts.warning": ("警告", "Warning"),
    "alerts.status.unresolved": ("未解决", "Unresolved"),
    "alerts.status.open": ("待处理", "Open"),
    "alerts.status.acknowledged": ("已确认", "Acknowledged"),
    "alerts.status.resolved": ("已解决", "Resolved"),
    "alerts.status.all": ("全部", "All"),
    "alerts.kind.all": ("全部类型", "All kinds"),
    "alerts.kind.low_stock": ("低库存", "Low stock"),
    "alerts.kind.cabinet_offline": ("智能柜离线", "Cabinet offline"),
    "alerts.kind.door_left_open": ("柜门未关", "Door left open"),
    "alerts.kind.ledger_mismatch": ("账实不符", "Ledger mismatch"),
    "alerts.kind.quota_exceeded": ("超额度", "Over quota"),
    "alerts.kind.seq_gap": ("消息缺失", "Missing messages"),
}
