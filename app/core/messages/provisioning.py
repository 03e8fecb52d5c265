"""Messages: registering and provisioning cabinets, maintenance, decommissioning (issue 16)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "field.code": ("柜号", "Cabinet code"),
    "field.cabinet_name": ("柜名", "Cabinet name"),
    "field.model": ("型号", "Model"),
    "cabinets.bad_code": (
        "柜号须为 3–32 位大写字母、数字、- 或 _，以字母或数字开头",
        "A cabinet code is 3–32 capital letters, digits, - or _, starting with a letter or digit",
    ),
    "cabinets.name_taken": (
        "{field}：同一地点已有名为「{name}」的智能柜",
        "{field}: this site already has a cabinet called {name}",
    ),
    "cabinets.code_taken": ("柜号 {code} 已被使用", "The cabinet code {code} is already used"),
    "cabinets.retired": (
        "该智能柜已停用（报废），不能再更改",
        "This cabinet is decommissioned and cannot be changed",
    ),
    "cabinets.register": ("登记新智能柜", "Register a cabinet"),
    "cabinets.register_submit": ("登记并生成配置包", "Register and make its bundle"),
    "cabinets.no_site": ("（不指定位置）", "(no site)"),
    "cabinets.profile": (
        "{banks} 组称台 × {channels} 路，RFID 区 {zones} 个，摄像头：{camera}",
        "{banks} scale banks × {channels} channels, {zones} RFID zones, camera: {camera}",
    ),
    "cabinets.yes": ("有", "yes"),
    "cabinets.no": ("无", "no"),
    "cabinets.bundle_title": ("配置包（只显示这一次）：", "Provisioning bundle (shown this once):"),
    "cabinets.bundle_help": (
        "下载 JSON 或让安装人员扫描二维码，导入柜机控制器。关闭后不再显示；"
        "丢失时请「轮换凭据」生成新的（旧的立即失效）。",
        "Download the JSON or let the installer scan the QR code into the cabinet's controller. "
        "Once hidden it is gone; if it is lost, rotate the credentials for a new one (the old "
        "one stops working at once).",
    ),
    "cabinets.bundle_download": ("下载配置包 JSON", "Download the bundle (JSON)"),
    "cabinets.rotate": ("轮换凭据（新配置包）", "Rotate credentials (new bundle)"),
    "cabinets.label": ("打印柜门二维码", "Print the door's QR label"),
    "cabinets.print": ("打印", "Print"),
    "cabinets.status_maintenance": ("维护中", "Maintenance"),
    "cabinets.status_retired": ("已停用", "Decommissioned"),
    "cabinets.maintenance_on": ("进入维护模式", "Start maintenance"),
    "cabinets.maintenance_off": ("结束维护，恢复使用", "End maintenance"),
    "cabinets.decommission": ("停用（报废）此柜", "Decommission this cabinet"),
    "cabinets.decommission_confirm": (
        "确认停用？凭据将立即作废，柜机无法再连接；历史记录保留。此操作不可撤销。",
        "Decommission it? Its credentials are revoked at once and it can no longer connect; its "
        "history is kept. This cannot be undone.",
    ),
    "cabinets.confirm": ("确认", "Confirm"),
    "cabinets.cancel": ("取消", "Cancel"),
    "cabinets.plan_item": ("上架到空货位", "Plan an item in an empty slot"),
    "cabinets.plan": ("上架", "Plan"),
    "door.refused_cabinet_maintenance": (
        "智能柜维护中，暂不能开门",
        "The cabinet is under maintenance and cannot be opened now",
    ),
    "screen.refused_cabinet_retired": ("柜子已停用", "Out of service"),
    "door.refused_cabinet_retired": ("该智能柜已停用", "This cabinet is out of service"),
    "unlock.refused_cabinet_retired": (
        "该智能柜已停用，无法开门",
        "This cabinet is out of service",
    ),
    "unlock.refused_cabinet_maintenance": (
        "智能柜维护中，仅可从后台开门",
        "The cabinet is under maintenance: only the console may open it",
    ),
}
