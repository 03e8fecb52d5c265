"""What a v1.1 cabinet's screen says after a badge, PIN or phone QR (the `auth.result` text)."""

# key: (zh-CN, en)
MESSAGES: dict[str, tuple[str, str]] = {
    "screen.granted": ("{name}，您好，正在开门", "Hello {name}, opening the door"),
    "screen.refused": ("无法开门", "The door cannot be opened"),
    "screen.refused_unknown_card": ("卡片未登记，无法开门", "Card not registered: access denied"),
    "screen.refused_person_disabled": ("账号已停用，无法开门", "Account disabled: access denied"),
    "screen.refused_cabinet_busy": ("有人正在使用，请稍候", "In use: please wait"),
    "screen.refused_cabinet_offline": ("柜子离线，无法开门", "Cabinet offline: access denied"),
    "screen.refused_quota_used_up": ("本期领用额度已用完", "Quota used up for this period"),
    "screen.refused_approval_required": (
        "已超出额度，请先在手机上提交领用申请",
        "Over quota: ask for an approval on your phone first",
    ),
    "screen.refused_pin_needs_card": (
        "请先刷卡或输入工号，再输入 PIN",
        "Enter your card or employee number before your PIN",
    ),
    "screen.refused_wrong_pin": ("PIN 错误", "Wrong PIN"),
    "screen.refused_pin_locked": (
        "PIN 错误次数过多，请稍后再试或刷卡",
        "Too many wrong PINs: try later or use your badge",
    ),
    "screen.refused_badge_too_late": (
        "刷卡信息到达过晚，请重新刷卡",
        "That reached us too late: please badge again",
    ),
    "screen.refused_cabinet_maintenance": ("柜子维护中，暂停领用", "Under maintenance: closed"),
    "command.kind.auth_result": ("刷卡结果", "Access result"),
    "cabinets.refusals": ("被拒收的消息", "Refused messages"),
    "cabinets.refusals_none": ("没有被拒收的消息", "No message refused"),
    "cabinets.refusal_last": ("最近一条", "Last one"),
    "refusal.bad_json": ("不是 JSON", "Not JSON"),
    "refusal.schema": ("格式不符", "Does not match its schema"),
    "refusal.wrong_topic": ("主题不对", "Wrong topic"),
    "refusal.bad_signature": ("签名不对（密钥？）", "Bad signature (secret?)"),
    "refusal.stale_timestamp": ("时钟偏差超过 300 秒", "Clock off by more than 300 s"),
    "refusal.replayed_nonce": ("重放的随机数", "Nonce used twice"),
    "refusal.unstorable": ("数据库无法保存", "The database could not store it"),
}
