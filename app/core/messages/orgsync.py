"""Messages of the org sync from WeCom (企业微信通讯录同步)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.org_sync": ("通讯录同步", "Directory sync"),
    "module.org": ("组织同步", "Org sync"),
    "action.sync": ("同步通讯录", "Sync the directory"),
    "orgsync.help": (
        "从企业微信读取部门和人员，先预览（不做任何修改）再执行；首次执行后可开启定时同步。不会删除任何部门或人员。",
        "Reads departments and people from WeCom: preview first (nothing is changed), then "
        "apply; after the first apply the sync can run on a schedule. Nothing is ever deleted.",
    ),
    "orgsync.source": ("数据来源：企业微信", "Source: WeCom"),
    "orgsync.not_configured": (
        "尚未设置企业微信应用：请先在“企业策略”中填写企业ID、AgentId 和 Secret",
        "No WeCom app is set up yet: enter its Corp ID, AgentId and Secret under Policies first",
    ),
    "orgsync.to_settings": ("前往企业微信设置", "Go to the WeCom settings"),
    "orgsync.schedule": ("定时同步", "Scheduled sync"),
    "orgsync.enabled": ("开启定时同步", "Sync on a schedule"),
    "orgsync.interval_hours": ("同步间隔（小时，1–168）", "Every (hours, 1–168)"),
    "orgsync.last_success": ("上次成功同步", "Last successful sync"),
    "orgsync.first_sync_needed": (
        "请先预览并执行一次同步，之后才能开启定时同步",
        "Preview and apply one sync first; the schedule can be switched on after that",
    ),
    "orgsync.bad_interval": (
        "同步间隔须为 1 到 168 之间的整数小时",
        "The interval must be a whole number of hours from 1 to 168",
    ),
    "orgsync.preview_heading": ("同步预览", "Preview"),
    "orgsync.preview_help": (
        "预览会读取企业微信通讯录并列出同步将做的修改，不会改动任何数据。确认无误后点击“执行同步”。",
        "The preview reads the WeCom directory and lists what a sync would change, changing "
        "nothing. Check it, then choose Apply.",
    ),
    "orgsync.preview": ("预览（试运行）", "Preview (dry run)"),
    "orgsync.apply": ("执行同步", "Apply"),
    "orgsync.apply_title": ("按预览执行同步？", "Apply the sync as previewed?"),
    "orgsync.apply_text": (
        "将按下方预览新增、修改或停用部门与人员（不会删除）。如通讯录在此期间有变化，需要重新预览。",
        "Departments and people will be created, changed or disabled as previewed below "
        "(never deleted). If the directory changed meanwhile you will be asked to preview "
        "again.",
    ),
    "orgsync.applied": ("同步已完成", "Sync applied"),
    "orgsync.nothing": (
        "组织架构已与企业微信一致，无需修改",
        "The organisation already matches WeCom: nothing to change",
    ),
    "orgsync.blocked_help": (
        "有部门无法同步（见下方“无法同步”），请先处理后重新预览",
        "Some departments cannot be synced (see “Cannot sync” below): resolve them, then "
        "preview again",
    ),
    "orgsync.history": ("同步记录", "Runs"),
    "orgsync.no_runs": (
        "还没有同步记录：点击“预览（试运行）”开始",
        "No runs yet: start with Preview",
    ),
    "orgsync.col.time": ("时间", "Time"),
    "orgsync.col.trigger": ("方式", "How"),
    "orgsync.col.status": ("结果", "Result"),
    "orgsync.trigger.preview": ("预览", "Preview"),
    "orgsync.trigger.manual": ("手动执行", "Applied by hand"),
    "orgsync.trigger.schedule": ("定时同步", "Scheduled"),
    "orgsync.status.succeeded": ("成功", "Succeeded"),
    "orgsync.status.failed": ("失败", "Failed"),
    "orgsync.summary": (
        "部门：新增 {dept_new}，改名 {dept_renamed}，移动 {dept_moved}，停用 {dept_disabled}；"
        "人员：新增 {person_new}，变更 {person_changed}，停用 {person_disabled}",
        "Departments: {dept_new} new, {dept_renamed} renamed, {dept_moved} moved, "
        "{dept_disabled} disabled; people: {person_new} new, {person_changed} changed, "
        "{person_disabled} disabled",
    ),
    "orgsync.group.blockers": ("无法同步", "Cannot sync"),
    "orgsync.group.dept_new": ("新增部门", "New departments"),
    "orgsync.group.dept_renamed": ("改名的部门", "Renamed departments"),
    "orgsync.group.dept_moved": ("移动的部门", "Moved departments"),
    "orgsync.group.dept_enabled": ("恢复启用的部门", "Departments enabled again"),
    "orgsync.group.dept_linked": (
        "关联到企业微信的已有部门",
        "Existing departments linked to WeCom",
    ),
    "orgsync.group.dept_disabled": ("停用的部门", "Departments disabled"),
    "orgsync.group.person_new": ("新增人员", "New people"),
    "orgsync.group.person_changed": ("信息变更的人员", "People changed"),
    "orgsync.group.person_disabled": ("停用的人员", "People disabled"),
    "orgsync.group.skipped": ("跳过（其余照常同步）", "Left out (the rest goes ahead)"),
    "orgsync.none": ("（空）", "(none)"),
    "orgsync.top": ("顶级", "top level"),
    "orgsync.linked": ("关联企业微信账号 {userid}", "linked to WeCom account {userid}"),
    "orgsync.field.name": ("姓名", "Name"),
    "orgsync.field.department": ("部门", "Department"),
    "orgsync.field.phone": ("手机号", "Mobile"),
    "orgsync.field.email": ("邮箱", "E-mail"),
    "orgsync.field.is_active": ("启用", "Enabled"),
    "orgsync.reason.left": ("已不在企业微信通讯录中", "No longer in the WeCom directory"),
    "orgsync.reason.disabled": ("在企业微信中已禁用", "Disabled in WeCom"),
    "orgsync.reason.quit": ("在企业微信中已退出企业", "Has left the company in WeCom"),
    "orgsync.block.loop": ("企业微信返回的部门上下级关系有循环", "WeCom's departments form a loop"),
    "orgsync.block.bad_name": (
        "部门名称过长或含不允许的字符",
        "The department's name is too long or has characters that are not allowed",
    ),
    "orgsync.block.name_taken": (
        "“{parent}”下已有同名部门（非企业微信同步），请改名或合并后重试",
        "A department of that name, not from WeCom, already sits under “{parent}”: rename or "
        "merge it, then try again",
    ),
    "orgsync.skip.bad_userid": (
        "企业微信账号过长或含不支持的字符",
        "The WeCom account id is too long or has unsupported characters",
    ),
    "orgsync.skip.bad_name": (
        "姓名过长或含不允许的字符",
        "The name is too long or has characters that are not allowed",
    ),
    "orgsync.skip.taken": (
        "{field} {value} 已属于另一位人员，请核对后重试",
        "{field} {value} already belongs to another person: check, then try again",
    ),
    "orgsync.skip.dept_has_people": (
        "已不在企业微信中，但仍有在职人员，暂不停用",
        "Gone from WeCom but still has active people: not disabled",
    ),
    "orgsync.unavailable": (
        "无法读取企业微信通讯录（{reason}）：请检查应用 Secret、可见范围与企业可信 IP 设置",
        "The WeCom directory could not be read ({reason}): check the app's Secret, its visible "
        "range and the trusted IPs",
    ),
    "orgsync.preview_first": ("请先预览，再执行同步", "Preview first, then apply"),
    "orgsync.stale": (
        "预览已过期或通讯录已有变化，未做任何修改：请重新预览",
        "The preview is out of date or the directory has changed; nothing was changed: "
        "preview again",
    ),
    "orgsync.not_confirmed": (
        "定时同步未开启或尚未完成首次同步",
        "The scheduled sync is off or no first sync has been applied",
    ),
    "orgsync.held": (
        "本次将停用 {count} 人，超过定时同步的上限，未做任何修改：请在本页预览核对后手动执行",
        "This run would disable {count} people, more than a scheduled run may; nothing was "
        "changed: preview and apply it here by hand",
    ),
    "orgsync.blocked": (
        "有 {count} 个部门无法同步，未做任何修改",
        "{count} departments cannot be synced; nothing was changed",
    ),
    "orgsync.failed": (
        "同步失败（{error}），未做任何修改",
        "The sync failed ({error}); nothing was changed",
    ),
    "audit.actor.org_sync": ("系统（通讯录同步）", "System (directory sync)"),
    "audit.kind.org_sync_run": ("通讯录同步", "directory sync"),
    "audit.kind.org_sync_settings": ("定时同步设置", "scheduled sync settings"),
    "audit.verb.org_sync_run.apply": ("执行", "applied"),
}
