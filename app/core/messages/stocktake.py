"""Messages of stock: the console's stock page, stocktakes (盘点) and stock adjustments — the
pages, their refusals, the audit log."""

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.stocktakes": ("盘点", "Stocktakes"),
    "stocktake.explain": (
        "逐个货位清点智能柜的实际数量。提交后差异记为库存调整；差异金额超过企业设置的阈值时，"
        "需由盘点人以外的管理员批准后才入账。",
        "Count a cabinet slot by slot. Submitted differences become stock adjustments; when "
        "they are worth more than the company's threshold, an admin other than the counter "
        "must approve them first.",
    ),
    # actions (also the audit log's action codes)
    "stocktake.new": ("新建盘点", "New stocktake"),
    "stocktake.submit": ("提交盘点", "Submit count"),
    "stocktake.approve": ("批准", "Approve"),
    "stocktake.reject": ("驳回", "Reject"),
    "stocktake.cancel": ("放弃盘点", "Abandon count"),
    "stocktake.view": ("查看", "View"),
    "stocktake.back": ("返回列表", "Back to the list"),
    "stocktake.choose_cabinet": ("选择智能柜", "Choose a cabinet"),
    # the list
    "stocktake.col.cabinet": ("智能柜", "Cabinet"),
    "stocktake.col.counted_by": ("盘点人", "Counted by"),
    "stocktake.col.started": ("开始时间", "Started"),
    "stocktake.col.status": ("状态", "Status"),
    "stocktake.col.value": ("差异金额", "Difference value"),
    "stocktake.none": (
        "还没有盘点记录，点击“新建盘点”选择一台智能柜开始",
        'No stocktakes yet: choose "New stocktake" and pick a cabinet',
    ),
    "stocktake.status.counting": ("盘点中", "Counting"),
    "stocktake.status.waiting": ("待批准", "Waiting for approval"),
    "stocktake.status.applied": ("已入账", "Applied"),
    "stocktake.status.rejected": ("已驳回", "Rejected"),
    "stocktake.status.cancelled": ("已放弃", "Abandoned"),
    # the count sheet and the report
    "stocktake.col.slot": ("货位", "Slot"),
    "stocktake.col.item": ("物品", "Item"),
    "stocktake.col.ledger": ("账面数量", "Ledger"),
    "stocktake.col.suggested": ("称重建议", "Scale suggests"),
    "stocktake.col.counted": ("实盘数量", "Counted"),
    "stocktake.col.difference": ("差异", "Difference"),
    "stocktake.col.line_value": ("差异金额", "Value"),
    "stocktake.no_lines": ("这台智能柜没有规划货位", "This cabinet has no planned slots"),
    "stocktake.sheet_help": (
        "请按实物清点后逐行填写实盘数量（整数）；“称重建议”来自货位秤的最新读数，仅供参考。",
        "Count what is there and enter each slot's quantity (a whole number); the scale's "
        "suggestion comes from its latest reading and is only a hint.",
    ),
    "stocktake.note": ("备注（盘点原因等）", "Note (why this count)"),
    "stocktake.counted_by": ("盘点人：{name}", "Counted by {name}"),
    "stocktake.decided_by": ("批准/驳回：{name}", "Decided by {name}"),
    "stocktake.started_at": ("开始：{at}", "Started {at}"),
    "stocktake.lines_differing": ("差异货位", "Slots with a difference"),
    "stocktake.units_lost": ("盘亏数量", "Units short"),
    "stocktake.units_gained": ("盘盈数量", "Units over"),
    "stocktake.net_value": ("净差异金额", "Net value"),
    "stocktake.total_value": ("差异总金额（绝对值）", "Total difference (absolute)"),
    "stocktake.waiting_help": (
        "差异金额超过阈值 ¥{threshold}，需由盘点人以外持有库存调整权限的管理员批准。",
        "The difference is above the ¥{threshold} threshold: an admin other than the counter, "
        "holding stock adjustment rights, must approve it.",
    ),
    "stocktake.applied_toast": ("盘点已入账", "The count is applied"),
    "stocktake.waiting_toast": ("盘点已提交，等待批准", "The count is submitted for approval"),
    # refusals
    "stocktake.already_open": (
        "{cabinet} 已有进行中的盘点，请先完成或放弃它",
        "{cabinet} already has an open count: finish or abandon it first",
    ),
    "stocktake.cabinet_retired": (
        "{cabinet} 已停用，无需盘点",
        "{cabinet} is decommissioned: there is nothing to count",
    ),
    "stocktake.uncounted": (
        "货位 {slot} 还没有填写实盘数量",
        "Slot {slot} has no counted quantity yet",
    ),
    "stocktake.bad_count": (
        "货位 {slot} 的实盘数量应为 0 或正整数",
        "Slot {slot}: the counted quantity must be a whole number, 0 or more",
    ),
    "stocktake.bad_adjustment": (
        "货位 {slot} 的调整数量应为正整数",
        "Slot {slot}: the quantity to take off must be a whole number above 0",
    ),
    "stocktake.below_zero": (
        "货位 {slot} 只有 {available} 件，库存不能低于 0",
        "Slot {slot} holds only {available}: stock cannot go below 0",
    ),
    "stocktake.not_counting": (
        "这次盘点已经提交或结束，请刷新页面",
        "This count is already submitted or closed: reload the page",
    ),
    "stocktake.not_waiting": (
        "这次盘点不在待批准状态，请刷新页面",
        "This count is not waiting for approval: reload the page",
    ),
    "stocktake.approver_is_counter": (
        "盘点人不能批准或驳回自己的盘点，请由另一位管理员处理",
        "The counter cannot approve or reject their own count: another admin must",
    ),
    "stocktake.reason.damaged": ("损坏", "Damaged"),
    "stocktake.reason.expired": ("过期", "Expired"),
    "stocktake.reason.lost": ("丢失", "Lost"),
    # the audit log
    "audit.verb.stocktake.start": ("开始盘点", "started a stocktake of"),
    "audit.verb.stocktake.submit": ("提交盘点", "submitted"),
    "audit.verb.stocktake.apply": ("盘点差异入账", "applied the differences of"),
    "audit.verb.stocktake.approve": ("批准盘点", "approved"),
    "audit.verb.stocktake.reject": ("驳回盘点", "rejected"),
    "audit.verb.stocktake.cancel": ("放弃盘点", "abandoned"),
    "audit.verb.stock.adjust": ("库存调整", "adjusted the stock of"),
    "audit.kind.stocktake": ("盘点", "stocktake"),
    "audit.kind.stock_movement": ("库存流水", "stock movement"),
    "field.counted": ("实盘数量", "Counted quantity"),
    "field.line": ("盘点行", "Count line"),
    "stock.write_off": ("报损", "Write off"),
    "stock.write_off_title": ("报损（损坏、过期、丢失）", "Write off (damaged, expired, lost)"),
    "stock.write_off_help": (
        "从该货位的库存中减去这些件数，记入库存台账和审计日志；不能超过现有数量。",
        "Takes these units off the slot's stock, in the ledger and the audit log; never more "
        "than it holds.",
    ),
    "stock.note": ("备注", "Note"),
    # the console's stock page
    "stock.low": ("低于下限", "Below minimum"),
    "stock.low_only": ("只看低库存", "Low only"),
    "stock.search": ("物品名称或编码", "Item name or SKU"),
    "stock.quantity": ("现有", "On hand"),
    "stock.min_par": ("下限 / 标准", "Min / par"),
    "stock.fill": ("水位", "Fill"),
    "stock.none": ("没有符合条件的货位", "No slots match"),
}
