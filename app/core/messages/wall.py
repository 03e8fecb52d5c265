"""Messages: the wall dashboard and the console's wall displays page. key: (zh-CN, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.walls": ("大屏", "Wall displays"),
    "walls.explain": (
        "为办公室大屏创建显示链接：无需登录，打开即显示本企业的实时看板；链接只显示一次，"
        "可随时吊销，吊销后大屏立即停止显示。大屏的语言在创建链接时选择，与控制台语言无关。",
        "Create a link for an office screen: it shows this tenant's live dashboard without "
        "signing in. The link is shown once; revoke it at any time and the screen goes dark "
        "at once. The screen's language is chosen when its link is created, whatever the "
        "console's.",
    ),
    "walls.name": ("大屏名称", "Display name"),
    "walls.create": ("创建显示链接", "Create display link"),
    "walls.url_once": (
        "请复制此链接到大屏浏览器，离开本页后将不再显示：",
        "Copy this link into the screen's browser; it is not shown again:",
    ),
    "walls.lang": ("大屏语言", "Display language"),
    "walls.lang_tenant": ("大屏语言：跟随企业设置", "Language: the tenant's"),
    "walls.seen": ("最近在线", "Last seen"),
    "walls.live": ("使用中", "Live"),
    "walls.revoked": ("已吊销", "Revoked"),
    "walls.revoke": ("吊销", "Revoke"),
    "wall.title": ("领用实况", "Live supplies"),
    "wall.updated": ("更新于", "Updated"),
    "wall.today_count": ("今日领用", "Visits today"),
    "wall.today_qty": ("今日件数", "Items today"),
    "wall.online": ("在线", "Online"),
    "wall.door_open": ("开门中", "Door open"),
    "wall.offline": ("离线", "Offline"),
    "wall.never_connected": ("从未连接", "Never connected"),
    "wall.low_slots": ("低库存", "Low stock"),
    "wall.low": ("低库存", "low"),
    "wall.cabinets": ("智能柜状态", "Cabinets"),
    "wall.stock": ("库存水位 · 最低的 12 个货位", "Stock levels · the 12 lowest slots"),
    "wall.trend": ("今日领用趋势（按小时）", "Visits today, by hour"),
    "wall.top_items": ("今日领用 Top {n}", "Top {n} items today"),
    "wall.top_none": ("今日领用排行 · 暂无领用", "Most taken today · none yet"),
    "wall.stale": (
        "数据已停止更新：最后更新于 {since}，与服务器的连接已断开",
        "Data stale since {since}: connection lost",
    ),
    "wall.stale_hint": ("正在重新连接，恢复后自动更新", "Reconnecting; the wall updates once back"),
    "wall.level.critical": ("严重", "Critical"),
    "wall.level.low": ("低库存", "Low stock"),
    "wall.level.notice": ("提示", "Notice"),
    "wall.fault.door_left_open": ("柜门未关", "Door left open"),
    "wall.fault.alarm_door_forced": ("柜门被撬", "Door forced"),
    "wall.fault.alarm_tamper": ("防拆报警", "Tamper alarm"),
    "wall.fault.alarm_scale_fault": ("称重故障", "Scale fault"),
    "wall.fault.alarm_rfid_fault": ("RFID 故障", "RFID fault"),
    "wall.fault.alarm_power_loss": ("断电", "Power lost"),
    "wall.fault.ledger_mismatch": ("账实不符", "Ledger mismatch"),
    "wall.fault.low_stock": ("低库存", "Low stock"),
    "wall.refused": ("此大屏链接无效或已被吊销", "This display link is not valid or was revoked"),
    "wall.refused_hint": (
        "请在控制台「大屏」页面创建新的显示链接",
        "Create a new link on the console's Wall displays page",
    ),
}
