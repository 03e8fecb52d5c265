"""Registering a cabinet that has no controller, on its site's LAN (app/cabinets/lan.py)."""

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
    "lan.unknown_indicator": (
        "格口 {slot} 的称重仪表型号未知",
        "Unknown indicator model for slot {slot}",
    ),
}
