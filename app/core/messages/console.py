"""Messages: The console shell, home page and generic errors. key: (zh-CN, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # application
    "app.name": ("智能领用柜云平台", "Cabinet Cloud"),
    "app.tagline": (
        "办公用品智能领用柜 · 运营控制台",
        "Smart supply cabinets · operations console",
    ),
    "lang.switch": ("English", "中文"),
    "lang.current": ("中文", "English"),
    # navigation, grouped by domain
    "nav.section.overview": ("概览", "Overview"),
    "nav.section.operations": ("运营", "Operations"),
    "nav.section.organisation": ("组织", "Organisation"),
    "nav.section.insight": ("分析", "Insight"),
    "nav.home": ("首页", "Home"),
    "nav.cabinets": ("智能柜", "Cabinets"),
    "nav.items": ("物品", "Items"),
    "nav.stock": ("库存", "Stock"),
    "nav.withdrawals": ("领用记录", "Withdrawals"),
    "nav.workorders": ("工单", "Work orders"),
    "nav.alerts": ("告警", "Alerts"),
    "nav.org": ("组织架构", "Departments"),
    "nav.users": ("人员", "People"),
    "nav.roles": ("角色权限", "Roles"),
    "nav.quotas": ("额度", "Quotas"),
    "nav.approvals": ("审批", "Approvals"),
    "nav.reports": ("报表", "Reports"),
    "nav.audit": ("审计日志", "Audit log"),
    "nav.coming_soon": ("即将上线", "Soon"),
    # header
    "header.tenant": ("企业", "Tenant"),
    "header.all_tenants": ("全部企业", "All tenants"),
    # home
    "home.title": ("运营概览", "Operations overview"),
    "home.subtitle": ("数据实时来自数据库", "Live figures from the database"),
    "home.cabinets": ("智能柜", "Cabinets"),
    "home.cabinets_online": ("在线 {online} 台", "{online} online"),
    "home.items": ("在售物品", "Active items"),
    "home.items_types": ("{types} 个分类", "{types} types"),
    "home.users": ("人员", "People"),
    "home.users_active": ("启用 {active} 人", "{active} active"),
    "home.today_withdrawals": ("今日领用", "Today's withdrawals"),
    "home.today_cost": ("金额 ¥{amount}", "¥{amount} charged"),
    "home.low_stock": ("低库存货位", "Low-stock slots"),
    "home.open_workorders": ("待处理工单", "Open work orders"),
    "home.open_alerts": ("未处理告警", "Open alerts"),
    "home.recent": ("最近领用", "Recent withdrawals"),
    "home.recent.time": ("时间", "Time"),
    "home.recent.person": ("领用人", "Person"),
    "home.recent.department": ("部门", "Department"),
    "home.recent.cabinet": ("智能柜", "Cabinet"),
    "home.recent.qty": ("数量", "Qty"),
    "home.recent.amount": ("金额", "Amount"),
    "home.recent.empty": ("暂无领用记录", "No withdrawals yet"),
    "home.updated": ("更新于 {time}", "Updated {time}"),
    "home.refresh": ("刷新", "Refresh"),
    "home.load_failed": (
        "数据加载失败，请稍后刷新重试",
        "Could not load figures; refresh to retry",
    ),
    # errors (services raise DomainError keys)
    "cabinet.secret_unreadable": (
        "智能柜密钥无法解密（SECRET_KEY 已更换？），请重新生成凭据",
        "The cabinet's secret cannot be read (was SECRET_KEY changed?); provision it again",
    ),
    "cabinet.credentials": ("生成智能柜凭据", "Cabinet credentials provisioned"),
    # the alert centre (the bell in the header)
    "alerts.title": ("未处理告警", "Unresolved alerts"),
    "alerts.bell": ("告警", "Alerts"),
    "alerts.none": ("没有未处理的告警", "No unresolved alerts"),
    "alerts.ack": ("确认", "Acknowledge"),
    "alerts.acknowledged": ("已确认", "Acknowledged"),
    "alerts.times": ("次", "×"),
    "alerts.many_new": ("{count} 条新告警", "{count} new alerts"),
    "alerts.more": ("仅显示最新 20 条", "Showing the newest 20"),
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
    "restock.not_serving": (
        "您不负责这家企业的智能柜补货",
        "You do not restock this company's cabinets",
    ),
    "cabinet.offline": ("智能柜离线，无法开门", "The cabinet is offline and cannot be opened"),
    "cabinet.busy": ("智能柜正在使用中，请稍候", "The cabinet is in use; please wait"),
    "workorder.command_failure": (
        "{cabinet}（{code}）未响应指令 {kind}",
        "{cabinet} ({code}) did not answer the {kind} command",
    ),
    "workorder.replenish": (
        "补货：{cabinet}（{code}）{slot} 格 {item}，现有 {stock}，低于下限 {minimum}",
        "Restock {item} in slot {slot} of {cabinet} ({code}): {stock} left, below {minimum}",
    ),
    "cabinet.unknown_command": ("未知的智能柜指令：{kind}", "Unknown cabinet command: {kind}"),
    "cabinet.bad_command_arguments": (
        "智能柜指令 {kind} 的参数不符合协议：{problem}",
        "The arguments of cabinet command {kind} do not match the protocol: {problem}",
    ),
    "cabinet.command": ("下发智能柜指令", "Command sent to a cabinet"),
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
    "error.generic": ("操作失败，请重试", "Something went wrong; please retry"),
    "error.not_found": ("{entity} #{id} 不存在", "{entity} #{id} does not exist"),
    "error.permission_denied": ("没有权限执行此操作", "You do not have permission to do this"),
    "error.other_tenant": ("不能访问其他企业的数据", "That belongs to another tenant"),
    "error.validation": ("输入有误：{field}", "Invalid input: {field}"),
    "error.unsafe_text": (
        "{field}含有控制字符或文字方向字符（如换行、制表符、NUL、U+202E），请删除后重试",
        "{field} contains control or text-direction characters (such as a line break, tab,"
        " NUL or U+202E); remove them and try again",
    ),
    "error.stock_negative": (
        "货位 {slot} 的 {item} 库存不足（现有 {available}，需要 {requested}）",
        "Slot {slot} has only {available} of {item}; {requested} requested",
    ),
}
