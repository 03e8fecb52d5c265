"""Registering a cabinet that has no controller, on its site's LAN
(app/cabinets/services/lan.py)."""

# key: (zh-CN, en)
MESSAGES: dict[str, tuple[str, str]] = {
    "lan.bad_host": (
        "地址无效：请填写 IP 地址或主机名（{field}）",
        "Invalid address: enter an IP address or host name ({field})",
    ),
    "lan.out_of_range": (
        "{field} 须在 {low} 到 {high} 之间",
        "{field} must be between {low} and {high}",
    ),
    "lan.no_scale_slots": (
        "该柜子没有称重格口：请先规划格口",
        "This cabinet has no weighed slots: plan its slots first",
    ),
    "lan.scales_must_match_slots": (
        "称重格口与接线不符：{slots}",
        "The wiring must name every weighed slot, and only those: {slots}",
    ),
    "lan.no_such_cabinet": ("没有编号为 {code} 的柜子", "No cabinet with the code {code}"),
    "nav.lan_cabinets": ("局域网柜", "LAN cabinets"),
    "lan.explain": (
        "没有柜控主板的柜子：称重仪表、门磁与电锁接在现场 Modbus TCP 网络上，"
        "由现场服务器运行 python -m hardware.lan 驱动。填写各部件的地址。",
        "Cabinets with no controller: their indicators, door sensor and lock on the site's "
        "Modbus TCP network, driven by python -m hardware.lan on the site's server. "
        "Enter where each part answers.",
    ),
    "lan.cabinet": ("柜子编号", "Cabinet code"),
    "lan.host": ("称重网关地址", "Scales gateway address"),
    "lan.port": ("端口", "Port"),
    "lan.io_host": ("I/O 模块地址（空：同称重网关）", "I/O module address (empty: the scales')"),
    "lan.io_unit": ("I/O 站号", "I/O unit id"),
    "lan.lock_coil": ("电锁线圈地址", "Lock coil address"),
    "lan.door_input": ("门磁输入地址", "Door sensor input address"),
    "lan.door_open_when_low": ("门开时输入为 0", "The input reads 0 while the door is open"),
    "lan.save": ("保存接线", "Save the wiring"),
    "lan.saved": ("已保存：重启驱动后生效", "Saved: restart the driver to apply it"),
    "lan.scales": ("称重", "Scales"),
    "lan.io": ("门与锁", "Door and lock"),
    "lan.unknown_indicator": (
        "格口 {slot} 的称重仪表型号未设置：请先在柜子页面为该秤选择仪表",
        "Slot {slot} has no known indicator model: choose its indicator on the cabinet page first",
    ),
}
