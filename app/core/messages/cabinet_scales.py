"""Each scale's noise model as the cabinet page explains it (issue 15)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "cabinets.scales": ("称台噪声模型", "Scale noise models"),
    "cabinets.scale_model": (
        "{slot}：{indicator}，噪声 σ {sigma} g，分度 {resolution} g，"
        "零点漂移 {drift} g/分钟，{source}",
        "{slot}: {indicator}, noise σ {sigma} g, division {resolution} g, "
        "zero drift {drift} g/min, {source}",
    ),
    "cabinets.scale_learned": (
        "由本称台 {n} 个空闲读数学得",
        "learned from this scale's {n} idle readings",
    ),
    "cabinets.scale_defaults": (
        "使用仪表型号的默认值（已收到 {n} 个读数，满 {needed} 个后改用实测值）",
        "its indicator's defaults ({n} readings so far; its own figures from {needed} on)",
    ),
    "cabinets.scale_collisions": (
        "称重分不清的取法（需 RFID、摄像头或人工复核）：{takes}（三件以内的取法中占 {share}%）",
        "Takes its weight cannot tell apart (RFID, the camera or a person decides): {takes} "
        "({share}% of the takes of up to three units)",
    ),
    "cabinets.not_a_scale": ("{slot} 不是称台", "{slot} is not a scale"),
    "cabinets.cameras": ("柜内摄像头", "In-cabinet cameras"),
    "cabinets.cameras_hint": (
        "每个货位在摄像头画面中的区域（黄色框），画在该摄像头最新的一张快照上。"
        "角点格式：x,y x,y x,y …（像素，画面 640×480）。",
        "Where each slot lies in its camera's image (yellow), drawn on the camera's latest "
        "snapshot. Corners as x,y x,y x,y … (pixels of the 640×480 image).",
    ),
    "cabinets.region_camera": ("摄像头（留空：不看这个货位）", "Camera (empty: not watched)"),
    "cabinets.region_corners_label": ("区域角点", "Region corners"),
    "cabinets.region_save": ("保存区域", "Save region"),
    "cabinets.region_saved": ("{slot} 的区域已保存", "The region of {slot} is saved"),
    "cabinets.region_invalid": (
        "区域角点“{corner}”不是 x,y 形式的非负整数",
        "Region corner “{corner}” is not x,y in whole pixels",
    ),
    "cabinets.region_corners": (
        "区域需要 3 到 12 个角点（现在 {count} 个）",
        "A region needs 3 to 12 corners (it has {count})",
    ),
    "cabinets.region_outside": (
        "区域角点 {corner} 在 640×480 的画面之外",
        "Region corner {corner} lies outside the 640×480 image",
    ),
    "cabinets.camera_invalid": (
        "摄像头编号“{camera}”只能用小写字母、数字、-、_（最多 16 个）",
        "Camera id “{camera}” may hold only lowercase letters, digits, - and _ (16 at most)",
    ),
    "field.indicator": ("仪表型号", "Indicator model"),
    "indicator.default": ("未指定仪表", "unspecified indicator"),
    "indicator.laumas_tlu": ("Laumas TLU 仪表", "Laumas TLU indicator"),
    "indicator.eagle_ei2000": ("Eagle EI-2000 仪表", "Eagle EI-2000 indicator"),
    "indicator.tuna_id551pn": ("Tuna ID551PN 仪表", "Tuna ID551PN indicator"),
}
