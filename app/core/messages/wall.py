"""Messages: the wall dashboard and the console's wall displays page. key: (zh-CN, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.walls": ("大屏", "Wall displays"),
    "walls.explain": (
        "为办公室大屏创建显示链接：无需登录，打开即显示本企业的实时看板；链接只显示一次，"
        "可随时吊销，吊销后大屏立即停止显示。",
        "Create a link for an office screen: it shows this tenant's live dashboard without "
        "signing in. The link is shown once; revoke it at any time and the screen goes dark "
        "at once.",
    ),
    "walls.name": ("大屏名称", "Display name"),
    "walls.create": ("创建显示链接", "Create display link"),
    "walls.url_once": (
        "请复制此链接到大屏浏览器，离开本页后将不再显示：",
        "Copy this link into the screen's browser; it is not shown again:",
    ),
    "walls.created": ("创建时间", "Created"),
    "walls.seen": ("最近在线", "Last seen"),
    "walls.live": ("使用中", "Live"),
    "walls.revoked": ("已吊销", "Revoked"),
    "walls.revoke": ("吊销", "Revoke"),
    "alert.update": ("处理告警", "Alert updated"),
    "wall_display.create": ("创建大屏显示", "Wall display created"),
    "wall_display.update": ("修改大屏显示", "Wall display changed"),
    "wall.title": ("领用实况", "Live supplies"),
    "wall.updated": ("更新于", "Updated"),
    "wall.today_count": ("今日领用", "Visits today"),
    "wall.today_qty": ("今日件数", "Items today"),
    "wall.online": ("在线", "Online"),
    "wall.door_open": ("开门中", "Door open"),
    "wall.offline": ("离线", "Offline"),
    "wall.low_slots": ("低库存", "Low stock"),
    "wall.low": ("低库存", "low"),
    "wall.cabinets": ("智能柜状态", "Cabinets"),
    "wall.stock": ("库存水位 · 最低的 16 个货位", "Stock levels · the 16 lowest slots"),
    "wall.trend": ("今日领用趋势（按小时）", "Visits today, by hour"),
    "wall.top_items": ("今日领用 Top 10", "Top 10 items today"),
    "wall.refused": ("此大屏链接无效或已被吊销", "This display link is not valid or was revoked"),
    "wall.refused_hint": (
        "请在控制台「大屏」页面创建新的显示链接",
        "Create a new link on the console's Wall displays page",
    ),
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
