"""Messages of work orders: what each is for, the console's work orders page, its actions and
the combined pick list."""

MESSAGES: dict[str, tuple[str, str]] = {
    "workorder.restock_visit": ("{cabinet}（{code}）补货", "Restock {cabinet} ({code})"),
    "workorders.col.tenant": ("企业", "Company"),
    "workorders.col.site": ("地点（路线）", "Site (route)"),
    "workorders.col.address": ("地址", "Address"),
    "workorders.col.cabinet": ("智能柜", "Cabinet"),
    "workorders.col.code": ("柜编码", "Cabinet code"),
    "workorders.col.slot": ("货位", "Slot"),
    "workorders.col.item": ("物品", "Item"),
    "workorders.col.sku": ("物品编码", "SKU"),
    "workorders.col.quantity": ("需补数量", "Quantity needed"),
    "workorders.col.unit": ("单位", "Unit"),
    "workorders.col.orders": ("工单数", "Orders"),
    "workorders.col.actions": ("操作", "Actions"),
    "workorders.view": ("查看", "View"),
    "workorders.start": ("开始处理", "Start"),
    "workorders.finish": ("标记完成", "Mark done"),
    "workorders.close_detail": ("收起", "Close"),
    "workorders.started_already": ("工单已在处理中", "The order is already in progress"),
    "workorders.combined": ("合并拣货单", "Combined pick list"),
    "workorders.combined_help": (
        "汇总所有待处理工单：按智能柜，或按路线。一条路线是同一地点（同一地址）的智能柜，"
        "一次出车即可补完；未设置地点的智能柜请按柜拣货。",
        "Sums every open work order, per cabinet or per route. A route is the cabinets at one "
        "site (one address), restocked on one trip; a cabinet with no site is picked per cabinet.",
    ),
    "workorders.by_cabinet": ("按智能柜", "By cabinet"),
    "workorders.by_route": ("按路线", "By route"),
    "workorders.open_suffix": ("单待处理", "open"),
    "workorders.nothing_to_pick": (
        "这里没有待处理的补货工单，无需拣货",
        "Nothing to pick here: no open restock orders",
    ),
    "workorders.picklist_for": ("拣货单：{name}", "Pick list: {name}"),
    "workorders.totals": ("装车合计", "Load totals"),
    "workorders.totals_help": (
        "整条路线每种物品的合计，出发前按此装货",
        "Per item over the whole route: load this before you leave",
    ),
    "workorders.generated": (
        "生成于 {time}，共 {orders} 个待处理工单",
        "Generated {time} from {orders} open orders",
    ),
    "workorders.print": ("打印", "Print"),
    "workorders.export_xlsx": ("导出 Excel", "Export Excel"),
    "workorders.export_csv": ("导出 CSV", "Export CSV"),
    "workorders.back": ("返回工单", "Back to work orders"),
    "workorders.pick_target_missing": (
        "请从工单页选择智能柜或路线",
        "Choose a cabinet or a route on the work orders page",
    ),
    # the console's work orders page
    "workorders.open": ("待处理", "Open"),
    "workorders.assigned": ("已派单", "Assigned"),
    "workorders.in_progress": ("处理中", "In progress"),
    "workorders.done": ("已完成", "Done"),
    "workorders.cancelled": ("已取消", "Cancelled"),
    "workorders.title": ("工单", "Work order"),
    "workorders.assignee": ("处理人", "Assignee"),
    "workorders.closed": ("完成时间", "Closed"),
    "workorders.pick_list": ("拣货单", "Pick list"),
    "workorders.requested": ("需补", "Requested"),
    "workorders.done_qty": ("已补", "Done"),
    "workorders.assign": ("派单", "Assign"),
    "workorders.reason": ("取消原因", "Reason to cancel"),
    "workorders.cancel": ("取消工单", "Cancel order"),
    "workorders.none": ("没有工单", "No work orders"),
    "workorders.not_open": ("工单已结束，不能再修改", "The order is closed and cannot change"),
    "workorders.not_serving": (
        "所选人员不为该企业服务",
        "The person chosen does not serve this tenant",
    ),
    # what a work order says it is for
    "workorder.command_failure": (
        "{cabinet}（{code}）未响应指令 {kind}",
        "{cabinet} ({code}) did not answer the {kind} command",
    ),
    "workorder.replenish": (
        "补货：{cabinet}（{code}）{slot} 格 {item}，现有 {stock}，低于下限 {minimum}",
        "Restock {item} in slot {slot} of {cabinet} ({code}): {stock} left, below {minimum}",
    ),
}
