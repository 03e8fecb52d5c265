"""Messages: generic UI words any page uses (paging, save, cancel, filters, common columns).
key: (zh-CN, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "common.previous": ("上一页", "Previous"),
    "common.next": ("下一页", "Next"),
    "common.save": ("保存", "Save"),
    "common.cancel": ("取消", "Cancel"),
    "common.filter": ("筛选", "Filter"),
    "common.status": ("状态", "Status"),
    "common.all": ("全部", "All"),
    "common.close": ("关闭", "Close"),
    "common.all_cabinets": ("全部智能柜", "All cabinets"),
    "common.cabinet": ("智能柜", "Cabinet"),
    "common.slot": ("货位", "Slot"),
    "common.time": ("时间", "Time"),
    "common.created": ("创建时间", "Created"),
}
