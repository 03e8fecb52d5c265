"""Messages: door sessions, withdrawals, corrections, quotas and restocking. key: (zh-CN, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "error.required": ("请填写{field}", "{field} is required"),
    "error.not_a_count": (
        "第 {row} 行：数量必须是不小于 0 的整数",
        "Row {row}: the quantity must be a whole number, 0 or more",
    ),
    "error.not_in_planogram": (
        "第 {row} 行：该物品不在这个货位的陈列计划中",
        "Row {row}: this item is not planned in that slot",
    ),
    "error.not_an_exception": (
        "这次开门不是待处理的异常",
        "This door session is not an open exception",
    ),
    "error.nothing_to_correct": (
        "更正后的数量与原记录相同",
        "The corrected quantities are the same as recorded",
    ),
    "error.correction_empties_withdrawal": (
        "更正不能把整笔领用改为零，请改为退还处理",
        "A correction cannot bring a withdrawal to nothing; record a return instead",
    ),
    "approval.no_flow": (
        "贵公司还没有设置这类申请的审批流程",
        "Your company has no approval flow for this kind of request",
    ),
    "approval.not_pending": ("这个申请已经处理过了", "This request has already been decided"),
    "approval.not_your_step": (
        "您不是这个申请当前这一步的审批人",
        "You are not an approver of this request's current step",
    ),
    "approval.decide": ("审批领用申请", "Approval decision"),
    "withdrawal.correct": ("更正领用记录", "Withdrawal corrected"),
    "withdrawal.resolve": ("处理识别异常", "Identification exception settled"),
    "alert.restricted_taken": (
        "{person} 未经审批领用了需审批的物品：{items}",
        "{person} took items that need an approval without one: {items}",
    ),
    "alert.ledger_mismatch": (
        "库存与流水不符：货位 {slot} 物品 {item}（流水 {ledger}，库存 {stock}）",
        "Stock and ledger disagree: slot {slot}, item {item} (ledger {ledger}, stock {stock})",
    ),
    "door.refused_unknown_card": ("找不到您的员工信息", "We could not find you as an employee"),
    "door.refused_person_disabled": ("您的账号已停用", "Your account is disabled"),
    "door.refused_cabinet_offline": (
        "智能柜离线，暂时无法开门",
        "The cabinet is offline and cannot be opened now",
    ),
    "door.refused_cabinet_busy": (
        "有人正在使用这台智能柜，请稍候",
        "Someone is using this cabinet; please wait",
    ),
    "door.refused_quota_used_up": (
        "本期领用额度已用完",
        "You have used up your quota for this period",
    ),
    "door.refused_approval_required": (
        "已超出额度，请先提交领用申请",
        "You are over your quota; ask for an approval first",
    ),
    "door.open": ("开门", "Open"),
    "door.opening": ("正在开锁，请稍候…", "Unlocking, one moment…"),
    "door.now_open": (
        "门已打开，取完物品请关好门",
        "The door is open: take what you need, then close it",
    ),
    "door.now_recorded": ("已关门，本次领用已记录", "Door closed: this visit is recorded"),
    "door.now_checking": (
        "已关门，本次领用需人工确认，结果会通知您",
        "Door closed: a person will check this visit and let you know",
    ),
    "door.online": ("在线", "Online"),
    "door.offline": ("离线", "Offline"),
    "door.my_recent": ("我在这台柜子的领用", "My visits to this cabinet"),
    "door.status_unlocking": ("开锁中", "Unlocking"),
    "door.status_open": ("门已打开", "Door open"),
    "door.status_committed": ("已记录", "Recorded"),
    "door.status_exception": ("待人工确认", "Being checked by a person"),
    "door.status_other": ("已结束", "Ended"),
    "door.nothing_taken": ("未取物品", "Nothing taken"),
    "field.reason": ("原因", "Reason"),
    "field.flow": ("审批流程", "Approval flow"),
    "field.request": ("申请", "Request"),
    "field.quantity": ("数量", "Quantity"),
    "field.item": ("物品", "Item"),
    "field.door_session": ("开门记录", "Door session"),
    "field.cabinet": ("智能柜", "Cabinet"),
}
