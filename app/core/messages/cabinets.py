"""Messages: the console's cabinets page — the list, a cabinet's slots and planogram, remote
unlocks and commands. key: (zh-CN, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "cabinets.unlock": ("远程开门", "Unlock"),
    "cabinets.unlock_for": ("为谁开门：工号/手机/卡号", "For: employee no., phone or card"),
    "cabinets.restock": ("补货开门", "Open to restock"),
    "cabinets.restock_sent": (
        "开门指令已发出：放入的物品在关门后称重入库",
        "Unlock sent: what you put in is weighed and booked when the door closes",
    ),
    "cabinets.search": ("名称或编码", "Name or code"),
    "cabinets.model": ("型号", "Model"),
    "cabinets.heartbeat": ("最近心跳", "Last heartbeat"),
    "cabinets.save": ("保存", "Save"),
    "cabinets.commands": ("指令", "Commands"),
    "cabinets.tare": ("去皮", "Tare"),
    "cabinets.lease": ("下发离线授权", "Send the offline lease"),
    "cabinets.reboot": ("重启", "Reboot"),
    "cabinets.credentials_copied": ("已抄写，隐藏", "Copied — hide them"),
    "cabinets.change_item": ("换品", "Change"),
    "cabinets.slot_not_empty": (
        "货位里还有 {quantity} 件原物品，清空后才能换品",
        "{quantity} units of the current item are still in the slot: empty it first",
    ),
    "cabinets.already_planned": ("该物品已在此货位", "This item is already planned here"),
    "cabinets.not_separable": (
        "与同一称台上的物品重量太接近，称重无法区分：{takes}",
        "Too close in weight to an item on the same scale to tell apart: {takes}",
    ),
    "cabinets.unit_invisible": (
        "{item} 太轻，这台称分辨不出一件和没有",
        "{item} is too light: this scale cannot tell one unit from none",
    ),
    # a command's kind and delivery
    "command.kind.unlock": ("开锁", "Unlock"),
    "command.kind.lock": ("上锁", "Lock"),
    "command.kind.push_config": ("下发配置", "Configuration"),
    "command.kind.sync_lease": ("离线授权", "Offline lease"),
    "command.kind.tare": ("去皮", "Tare"),
    "command.kind.reboot": ("重启", "Reboot"),
    "command.kind.reread": ("重新称重", "Re-read scales"),
    "command.status.pending": ("待发送", "Waiting to send"),
    "command.status.sent": ("已发送", "Sent"),
    "command.status.acked": ("已收到", "Received"),
    "command.status.succeeded": ("已完成", "Done"),
    "command.status.failed": ("失败", "Failed"),
    "command.status.expired": ("已过期", "Expired"),
}
