"""Messages: the employee's own pages on the phone (quotas left, requests, history,
complaints) and the approver's inbox. key: (zh-CN, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "me.title": ("我的领用", "My supplies"),
    "me.quotas": ("我的额度", "What I have left"),
    "me.no_quotas": ("没有额度限制", "No limits apply to you"),
    "me.quota_left": ("剩余 {left} / {limit}", "{left} of {limit} left"),
    "me.period_day": ("今日", "Today"),
    "me.period_week": ("本周", "This week"),
    "me.period_month": ("本月", "This month"),
    "me.requests": ("我的申请", "My requests"),
    "me.no_requests": (
        "还没有申请。额度不够用时，点「申请额外领用」",
        "No requests yet. When your quota is not enough, tap Ask for more",
    ),
    "me.ask": ("申请额外领用", "Ask for more"),
    "me.ask_reason": (
        "申请原因（例如：部门培训需要 20 支笔）",
        "Why (e.g. 20 pens for a training)",
    ),
    "me.ask_send": ("提交申请", "Send request"),
    "me.asked": ("申请已提交，等待审批", "Request sent; waiting for approval"),
    "me.asked_at_cabinet": (
        "申请已提交。审批通过后，如果您还在柜前，柜门会自动打开",
        "Request sent. Once approved, the door opens by itself if you are still here",
    ),
    "me.step": ("第 {step}/{steps} 步", "Step {step} of {steps}"),
    "me.history": ("我的领用记录", "My visits"),
    "me.no_history": (
        "还没有领用记录。扫描智能柜上的二维码即可开门领用",
        "No visits yet. Scan the QR code on a cabinet to open it",
    ),
    # the phone's sign-in (a scanned cabinet's QR code leads here when signed out)
    "phone.sign_in": ("员工登录", "Employee sign-in"),
    "phone.sign_in_back": (
        "登录后将回到您扫码的智能柜",
        "After signing in you go back to the cabinet you scanned",
    ),
    "phone.register": ("还没有账号？用手机号注册", "No account yet? Register with your phone"),
    "me.complain": ("有疑问", "Dispute"),
    "me.complain_placeholder": (
        "请说明哪里不对，例如：只拿了 1 支，记录为 2 支",
        "What is wrong, e.g. took 1 pen, recorded 2",
    ),
    "me.complain_send": ("提交", "Send"),
    "me.complained": ("已提交，管理员会尽快答复", "Sent; an administrator will answer soon"),
    "me.complaint_open": ("申诉处理中：{text}", "Dispute open: {text}"),
    "me.complaint_answered": ("答复：{answer}", "Answer: {answer}"),
    "me.awaiting": ("待我审批", "Waiting for my decision"),
    "me.approve": ("同意", "Approve"),
    "me.reject": ("驳回", "Reject"),
    "me.decided": ("已处理", "Done"),
    "request.pending": ("审批中", "Pending"),
    "request.approved": ("已批准，可开门领用", "Approved: you may open the cabinet"),
    "request.rejected": ("已驳回", "Rejected"),
    "request.used": ("已使用", "Used"),
    "request.expired": ("已过期", "Expired"),
    "request.cancelled": ("已撤回", "Withdrawn"),
    "complaint.already_open": (
        "这次领用已有一条处理中的申诉",
        "This visit already has an open dispute",
    ),
    "complaint.already_answered": ("这条申诉已经答复过了", "This dispute is already answered"),
    "error.too_long": ("{field}不能超过 {max} 个字", "{field} can be at most {max} characters"),
    "field.complaint": ("申诉内容", "Dispute"),
    "field.answer": ("答复", "Answer"),
}

# The console's review queue (exceptions and disputes).
MESSAGES.update(
    {
        "nav.review": ("异常与申诉", "Exceptions & disputes"),
        "review.exceptions": ("待确认的领用", "Visits to confirm"),
        "review.disputes": ("员工申诉", "Disputes"),
        "review.no_exceptions": ("没有待确认的领用", "Nothing to confirm"),
        "review.no_disputes": ("没有待答复的申诉", "No open disputes"),
        "review.before": ("开门前", "Before"),
        "review.after": ("关门后", "After"),
        "review.change": ("变化", "Change"),
        "review.unsteady": ("读数不稳", "Unsteady"),
        "review.count": ("确认数量", "Confirmed count"),
        "review.reason": ("处理说明（将记入审计日志）", "Why (kept in the audit log)"),
        "review.confirm": ("确认并入账", "Confirm and record"),
        "review.answer": (
            "答复员工（如改数量，将按此多退少补）",
            "Answer (changed counts are corrected)",
        ),
        "review.send_answer": ("答复", "Answer"),
        "review.resolved": ("已入账", "Recorded"),
        "review.answered": ("已答复", "Answered"),
        "review.reason.weight_unstable": (
            "称重读数不稳（重新称重后仍不稳，或柜机未回应重新称重）",
            "Scale reading never settled (nor on a re-read, or the cabinet did not answer it)",
        ),
        "review.reason.rfid_ambiguous": (
            "RFID 盘点不确定（在柜标签有几轮没读到）",
            "RFID inventory unsure (tags present were missed in some rounds)",
        ),
        "review.reason.weight_unexplained": ("重量变化无法解释", "Weight change not explained"),
        "review.reason.weight_ambiguous": ("多种组合都可能", "More than one combination fits"),
        "review.reason.weight_no_data": ("没有称重数据", "No scale data"),
        "review.reason.rfid_unexplained": ("RFID 标签变化无法解释", "RFID change not explained"),
        "review.reason.sources_disagree": ("称重与 RFID 不一致", "Scales and RFID disagree"),
        "review.reason.vision_disagrees": (
            "摄像头所见与称重不一致（可能调换了相似重量的物品或挪了位置）",
            "The camera disagrees with the scale (a look-alike swap or an item moved?)",
        ),
        "review.reason.vision_unexplained": (
            "摄像头看到柜内多了不明物体",
            "The camera saw an unknown object left in the cabinet",
        ),
        "review.reason.wrong_direction": ("物品被放回", "Items were put back"),
        "review.reason.no_close_event": (
            "柜机开门后一直未上报关门，无法得知取走了什么",
            "The cabinet never reported the door closed: what was taken is not known",
        ),
        "review.reason_other": ("需人工确认", "Needs a person"),
    }
)
