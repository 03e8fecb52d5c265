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
    "field.indicator": ("仪表型号", "Indicator model"),
    "indicator.default": ("未指定仪表", "unspecified indicator"),
    "indicator.laumas_tlu": ("Laumas TLU 仪表", "Laumas TLU indicator"),
    "indicator.eagle_ei2000": ("Eagle EI-2000 仪表", "Eagle EI-2000 indicator"),
    "indicator.tuna_id551pn": ("Tuna ID551PN 仪表", "Tuna ID551PN indicator"),
}
