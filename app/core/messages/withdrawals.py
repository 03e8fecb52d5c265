"""Messages: door sessions (the phone's cabinet page, unlock refusals), withdrawals and their
corrections, the console's withdrawals list. key: (zh-CN, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
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
    "door.page_title": ("领用柜", "Supply cabinet"),
    "door.open": ("开门", "Open"),
    "withdrawals.drilled": ("按报表中的人员/物品筛选", "Filtered by a report's person or item"),
    "unlock.no_such_person": ("找不到「{who}」对应的人员", "Nobody here matches {who}"),
    "unlock.refused_person_disabled": ("此人已停用", "This person is disabled"),
    "unlock.refused_cabinet_offline": ("智能柜离线，无法开门", "The cabinet is offline"),
    "unlock.refused_cabinet_busy": ("智能柜门正开着，请稍候", "The cabinet's door is in use"),
    "unlock.refused_quota_used_up": (
        "此人本期领用额度已用完",
        "This person has used up their quota for the period",
    ),
    "unlock.refused_approval_required": (
        "此人已超出额度，需先获批领用申请",
        "This person is over quota and needs an approved request first",
    ),
    "door.opening": ("正在开锁，请稍候…", "Unlocking, one moment…"),
    "door.now_open": (
        "门已打开，取完物品请关好门",
        "The door is open: take what you need, then close it",
    ),
    "door.now_recorded": ("已关门，本次领用已记录", "Door closed: this visit is recorded"),
    "door.now_weighing": (
        "已关门，称台还在稳定，正在重新称重",
        "Door closed: a scale is still settling, weighing again",
    ),
    "door.now_checking": (
        "已关门，本次领用需人工确认，结果会通知您",
        "Door closed: a person will check this visit and let you know",
    ),
    "door.online": ("在线", "Online"),
    "door.offline": ("离线", "Offline"),
    "door.my_recent": ("我在这台柜子的领用", "My visits to this cabinet"),
    "door.now_unlock_failed": (
        "柜机没有开锁，柜门未打开，本次未记录任何领用，请重试",
        "The cabinet did not unlock: the door stayed shut, nothing was recorded. Try again",
    ),
    "door.status_not_opened": ("未开门", "Not opened"),
    # the phone's cabinet page: one step of the door at a time (app/withdrawals/pages/door_steps.py)
    "door.step_waiting": ("等待开门", "Waiting for the door"),
    "door.step_open": ("门已打开", "Door open"),
    "door.step_counting": ("已关门，清点中", "Closed – counting"),
    "door.step_recorded": ("已记录", "Recorded"),
    "door.step_checking": ("待人工确认", "Being checked"),
    "door.step_failed": ("未能开门", "Did not open"),
    "door.say_ready": (
        "点「开门」，取完物品后关好柜门，领用会自动记录",
        "Tap Open, take what you need and close the door: it is recorded by itself",
    ),
    "door.say_busy": (
        "有人正在使用这台智能柜，请等对方关门后再开",
        "Someone else is using this cabinet: open it once they have closed the door",
    ),
    "door.say_offline": (
        "智能柜离线，暂时无法开门。请稍后再试，或联系管理员",
        "The cabinet is offline and cannot open now. Try again later or ask an administrator",
    ),
    "door.try_again": ("再试一次", "Try again"),
    "door.no_such_cabinet": (
        "这台智能柜不存在，或不属于贵公司。请扫描贵公司智能柜上的二维码",
        "This cabinet does not exist or is not your company's. Scan the QR code on one of yours",
    ),
    "door.no_visits": (
        "您还没有在这台柜子领用过。点「开门」，取完物品关好门，记录会显示在这里",
        "No visits to this cabinet yet. Tap Open, take what you need and close the door: "
        "the visit shows here",
    ),
    "door.now_not_opened": (
        "柜门已开锁但没有被打开，已重新上锁，本次未记录任何领用",
        "The door was unlocked but not opened and is locked again: nothing was recorded",
    ),
    "door.status_other": ("已结束", "Ended"),
    "door.nothing_taken": ("未取物品", "Nothing taken"),
    "field.reason": ("原因", "Reason"),
    "field.quantity": ("数量", "Quantity"),
    "field.item": ("物品", "Item"),
    "field.door_session": ("开门记录", "Door session"),
    "field.cabinet": ("智能柜", "Cabinet"),
    # the console's withdrawals list
    "withdrawals.all_departments": ("全部部门", "All departments"),
    "withdrawals.newest": ("最新在前", "Newest first"),
    "withdrawals.oldest": ("最早在前", "Oldest first"),
    "withdrawals.person": ("领用人", "Person"),
    "withdrawals.qty": ("件数", "Items"),
    "withdrawals.amount": ("金额", "Amount"),
    "withdrawals.corrected": ("已更正", "Corrected"),
    "withdrawals.none": ("没有符合条件的领用记录", "No withdrawals match"),
    "withdrawals.detail": ("领用详情", "Withdrawal"),
    "withdrawals.lines": ("领用明细", "Lines"),
    "withdrawals.total": ("合计", "Total"),
    "withdrawals.evidence": ("称重证据", "Scale evidence"),
    "withdrawals.camera": ("柜内摄像头", "In-cabinet camera"),
    "withdrawals.camera_before": ("开门前", "Before"),
    "withdrawals.camera_after": ("关门后", "After"),
    "withdrawals.camera_counts": ("摄像头计数", "Camera counts"),
    "withdrawals.camera_abstained": ("摄像头未能确认", "Camera not sure"),
    "evidence.snapshot_missing": (
        "快照不存在，或已超过保留期限被删除",
        "The snapshot does not exist, or was deleted after its retention period",
    ),
}
