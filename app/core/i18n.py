"""The one translation table. zh-CN is the default; every user-facing string lives here.

`t(key, locale, **params)` formats a message; `strings(locale)` gives the whole table of one
locale to the UI (Reflex sends it once per locale switch).
"""

from __future__ import annotations

from functools import lru_cache

DEFAULT_LOCALE = "zh-CN"
LOCALES = ("zh-CN", "en")

# key: (zh-CN, en)
MESSAGES: dict[str, tuple[str, str]] = {
    "app.name": ("智能领用柜云平台", "Cabinet Cloud"),
    "app.tagline": (
        "办公用品智能领用柜 · 运营控制台",
        "Smart supply cabinets · operations console",
    ),
    "lang.switch": ("English", "中文"),
    "lang.current": ("中文", "English"),
    # navigation, grouped by domain
    "nav.section.overview": ("概览", "Overview"),
    "nav.section.operations": ("运营", "Operations"),
    "nav.section.organisation": ("组织", "Organisation"),
    "nav.section.insight": ("分析", "Insight"),
    "nav.home": ("首页", "Home"),
    "nav.cabinets": ("智能柜", "Cabinets"),
    "nav.items": ("物品", "Items"),
    "nav.stock": ("库存", "Stock"),
    "nav.withdrawals": ("领用记录", "Withdrawals"),
    "nav.workorders": ("工单", "Work orders"),
    "nav.alerts": ("告警", "Alerts"),
    "nav.org": ("组织架构", "Departments"),
    "nav.users": ("人员", "People"),
    "nav.roles": ("角色权限", "Roles"),
    "nav.quotas": ("额度", "Quotas"),
    "nav.approvals": ("审批", "Approvals"),
    "nav.reports": ("报表", "Reports"),
    "nav.audit": ("审计日志", "Audit log"),
    "nav.coming_soon": ("即将上线", "Soon"),
    # header
    "header.tenant": ("企业", "Tenant"),
    "header.all_tenants": ("全部企业", "All tenants"),
    # home
    "home.title": ("运营概览", "Operations overview"),
    "home.subtitle": ("数据实时来自数据库", "Live figures from the database"),
    "home.cabinets": ("智能柜", "Cabinets"),
    "home.cabinets_online": ("在线 {online} 台", "{online} online"),
    "home.items": ("在售物品", "Active items"),
    "home.items_types": ("{types} 个分类", "{types} types"),
    "home.users": ("人员", "People"),
    "home.users_active": ("启用 {active} 人", "{active} active"),
    "home.today_withdrawals": ("今日领用", "Today's withdrawals"),
    "home.today_cost": ("金额 ¥{amount}", "¥{amount} charged"),
    "home.low_stock": ("低库存货位", "Low-stock slots"),
    "home.open_workorders": ("待处理工单", "Open work orders"),
    "home.open_alerts": ("未处理告警", "Open alerts"),
    "home.recent": ("最近领用", "Recent withdrawals"),
    "home.recent.time": ("时间", "Time"),
    "home.recent.person": ("领用人", "Person"),
    "home.recent.department": ("部门", "Department"),
    "home.recent.cabinet": ("智能柜", "Cabinet"),
    "home.recent.qty": ("数量", "Qty"),
    "home.recent.amount": ("金额", "Amount"),
    "home.recent.empty": ("暂无领用记录", "No withdrawals yet"),
    "home.updated": ("更新于 {time}", "Updated {time}"),
    "home.refresh": ("刷新", "Refresh"),
    "home.load_failed": (
        "数据加载失败，请稍后刷新重试",
        "Could not load figures; refresh to retry",
    ),
    # sign-in
    "auth.login": ("登录", "Signed in"),
    "auth.login_failed": ("登录失败", "Failed sign-in"),
    "auth.logout": ("退出登录", "Signed out"),
    "auth.sign_in_required": ("请先登录", "Please sign in"),
    "auth.expired": ("登录已过期，请重新登录", "Your session has ended; please sign in again"),
    "login.title": ("登录控制台", "Sign in to the console"),
    "login.login": ("用户名或手机号", "Username or phone"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Sign in"),
    "login.demo_hint": (
        "演示账号见启动日志（make run 输出）",
        "Demo logins are printed by make run",
    ),
    "header.sign_out": ("退出登录", "Sign out"),
    "header.signed_in_as": ("当前用户", "Signed in as"),
    "auth.bad_credentials": ("账号或密码错误", "Wrong username/phone or password"),
    "auth.locked": (
        "失败次数过多，请 {minutes} 分钟后再试",
        "Too many failed attempts; try again in {minutes} min",
    ),
    # field names (a `field` parameter of any message is shown through these)
    "field.name": ("姓名", "Name"),
    "field.employee_no": ("工号", "Employee no."),
    "field.phone": ("手机号", "Phone"),
    "field.email": ("邮箱", "Email"),
    "field.department": ("部门", "Department"),
    "field.badge_card_no": ("工卡号", "Badge card no."),
    "field.pin": ("PIN", "PIN"),
    "field.password": ("密码", "Password"),
    "field.tenant": ("企业", "Tenant"),
    # organisation: people and departments
    "org.choose_tenant": ("请先在右上角选择一个企业", "Choose a tenant in the header first"),
    "org.required": ("{field} 不能为空", "{field} is required"),
    "org.too_long": ("{field} 最多 {max} 个字", "{field} is longer than {max} characters"),
    "org.bad_phone": ("手机号格式不正确（11 位大陆手机号）", "Not a valid mainland mobile number"),
    "org.bad_email": ("邮箱格式不正确", "Not a valid e-mail address"),
    "org.bad_badge_card_no": (
        "工卡号应为 4–32 位字母或数字",
        "Badge card no. must be 4–32 letters or digits",
    ),
    "org.bad_employee_no": (
        "工号应为 1–32 位字母、数字、- 或 _",
        "Employee no. must be 1–32 letters, digits, - or _",
    ),
    "org.bad_pin": ("PIN 应为 4–8 位数字，且不能全部相同", "A PIN is 4–8 digits, not all the same"),
    "org.weak_password": (
        "密码至少 8 位，且包含字母和数字",
        "A password needs 8+ characters with letters and digits",
    ),
    "org.duplicate": (
        "{field} {value} 已被其他人使用",
        "{field} {value} is already used by someone else",
    ),
    "org.no_account": ("{name} 还没有登录账号", "{name} has no sign-in account yet"),
    "org.dept_name_taken": (
        "同一上级下已有部门「{name}」",
        "A sibling department is already called {name}",
    ),
    "org.dept_move_into_itself": (
        "不能把部门移到它自己或其下级之下",
        "A department cannot move under itself",
    ),
    "org.dept_merge_same": ("不能把部门合并到它自己", "A department cannot merge into itself"),
    "org.dept_has_people": (
        "「{name}」及其下级仍有在职人员，不能停用",
        "{name} or a sub-department still has active people",
    ),
    # the audit page
    "audit.any_action": ("全部操作", "All actions"),
    "audit.group_auth": ("登录与退出", "Sign-ins"),
    "audit.group_users": ("人员", "People"),
    "audit.group_departments": ("部门", "Departments"),
    "audit.group_whitelist": ("手机白名单", "Phone whitelist"),
    "audit.group_roles": ("角色权限", "Roles"),
    "audit.actor": ("操作人", "Actor"),
    "audit.target_id": ("对象 ID", "Target id"),
    "audit.time": ("时间", "Time"),
    "audit.action": ("操作", "Action"),
    "audit.target": ("对象", "Target"),
    "audit.before": ("修改前", "Before"),
    "audit.after": ("修改后", "After"),
    "audit.ip": ("IP", "IP"),
    "audit.masked": ("敏感信息已脱敏", "Sensitive values masked"),
    "audit.unmasked": ("显示完整敏感信息", "Sensitive values shown in full"),
    "app_user.create": ("新建人员", "Person created"),
    "app_user.update": ("修改人员", "Person changed"),
    "app_user.delete": ("删除人员", "Person deleted"),
    "department.create": ("新建部门", "Department created"),
    "department.update": ("修改部门", "Department changed"),
    "phone_whitelist.create": ("加入白名单", "Phone whitelisted"),
    "phone_whitelist.update": ("白名单绑定人员", "Whitelist entry bound"),
    "phone_whitelist.delete": ("移出白名单", "Phone removed from whitelist"),
    # the departments page
    "dept.new": ("新建部门", "New department"),
    "dept.name": ("部门名称", "Department name"),
    "dept.people": ("在职人数", "People"),
    "dept.status": ("状态", "Status"),
    "dept.active": ("启用", "Active"),
    "dept.disabled": ("停用", "Disabled"),
    "dept.rename": ("重命名", "Rename"),
    "dept.move": ("移动", "Move"),
    "dept.merge": ("合并", "Merge"),
    "dept.enable": ("启用", "Enable"),
    "dept.disable": ("停用", "Disable"),
    "dept.parent": ("上级部门", "Parent department"),
    "dept.top_level": ("（顶级部门）", "(top level)"),
    "dept.target": ("合并到", "Merge into"),
    "dept.move_hint": (
        "把「{name}」及其下级部门移到：",
        "Move {name} and its sub-departments under:",
    ),
    "dept.merge_hint": (
        "「{name}」的人员和下级部门将并入目标部门，「{name}」随后停用",
        "The people and sub-departments of {name} move to the target; {name} is then disabled",
    ),
    "dept.choose_target": ("请选择要合并到的部门", "Choose the department to merge into"),
    "dept.bad_name": (
        "部门名称不能为空，最多 {max} 个字",
        "A department name is required, at most {max} characters",
    ),
    "dept.empty": ("还没有部门，先新建一个", "No departments yet; create the first one"),
    "dept.saved": ("已保存", "Saved"),
    "dept.enabled": ("部门已启用", "Department enabled"),
    "dept.disabled_done": ("部门已停用", "Department disabled"),
    # roles and permissions
    "module.alert": ("告警", "Alerts"),
    "module.approval": ("审批", "Approvals"),
    "module.audit": ("审计", "Audit"),
    "module.cabinet": ("智能柜", "Cabinets"),
    "module.dashboard": ("控制台", "Console"),
    "module.dept": ("部门", "Departments"),
    "module.exception": ("异常", "Exceptions"),
    "module.item": ("物品", "Items"),
    "module.provider": ("服务商", "Providers"),
    "module.quota": ("额度", "Quotas"),
    "module.report": ("报表", "Reports"),
    "module.role": ("角色", "Roles"),
    "module.self": ("个人领用", "Self-service"),
    "module.stock": ("库存", "Stock"),
    "module.tenant": ("企业", "Tenants"),
    "module.user": ("人员", "People"),
    "module.wall": ("大屏", "Wall screens"),
    "module.whitelist": ("手机白名单", "Phone whitelist"),
    "module.withdrawal": ("领用记录", "Withdrawals"),
    "module.workorder": ("工单", "Work orders"),
    "action.ack": ("确认", "Acknowledge"),
    "action.adjust": ("调整", "Adjust"),
    "action.command": ("下发指令", "Send commands"),
    "action.configure": ("配置", "Configure"),
    "action.correct": ("更正", "Correct"),
    "action.decide": ("审批", "Decide"),
    "action.import": ("导入", "Import"),
    "action.manage": ("管理", "Manage"),
    "action.read": ("查看", "View"),
    "action.request": ("申请", "Request"),
    "action.resolve": ("处理", "Resolve"),
    "action.subscribe": ("订阅", "Subscribe"),
    "action.unmask": ("查看完整敏感信息", "See unmasked"),
    "action.withdraw": ("领用", "Withdraw"),
    "action.write": ("编辑", "Edit"),
    "role.platform_operator": ("平台运营", "Platform operator"),
    "role.provider_admin": ("服务商管理员", "Provider admin"),
    "role.provider_staff": ("服务商业务员", "Provider staff"),
    "role.tenant_admin": ("企业管理员", "Tenant admin"),
    "role.department_manager": ("部门主管", "Department manager"),
    "role.employee": ("员工", "Employee"),
    "role.builtin": ("内置", "Built-in"),
    "role.permission": ("权限", "Permission"),
    "role.new": ("新建角色", "New role"),
    "role.template": ("基于模板", "Start from"),
    "role.no_template": ("空白角色", "Empty role"),
    "role.delete": ("删除角色", "Delete role"),
    "role.create": ("新建角色", "Role created"),
    "role.update": ("修改角色权限", "Role permissions changed"),
    "role.name_taken": ("已有同名角色「{name}」", "A role is already called {name}"),
    "role.builtin_readonly": (
        "内置角色不能修改，请基于它新建角色",
        "Built-in roles are read-only; make a role from one",
    ),
    "role.platform_permission": (
        "企业角色不能包含平台或服务商权限",
        "Tenant roles cannot hold platform or provider permissions",
    ),
    "role.not_yours": ("不能授予自己没有的权限", "You cannot give a permission you do not hold"),
    "role.in_use": ("角色「{name}」仍有人员使用，不能删除", "{name} is still held by someone"),
    "role.saved": ("已保存", "Saved"),
    "field.template": ("模板", "Template"),
    "field.permission": ("权限", "Permission"),
    # the people page
    "people.search": ("姓名 / 工号 / 手机号", "Name / employee no. / phone"),
    "people.filter": ("筛选", "Filter"),
    "people.all_departments": ("全部部门", "All departments"),
    "people.all_statuses": ("全部状态", "Any status"),
    "people.active": ("在职", "Active"),
    "people.disabled": ("已停用", "Disabled"),
    "people.status": ("状态", "Status"),
    "people.new": ("新建人员", "New person"),
    "people.edit": ("编辑", "Edit"),
    "people.enable": ("启用", "Enable"),
    "people.disable": ("停用", "Disable"),
    "people.import": ("批量导入", "Import"),
    "people.export": ("导出", "Export"),
    "people.previous": ("上一页", "Previous"),
    "people.next": ("下一页", "Next"),
    "people.save": ("保存", "Save"),
    "people.cancel": ("取消", "Cancel"),
    "people.saved": ("已保存", "Saved"),
    "import.hint": ("支持 .xlsx / .csv，第一行为表头", ".xlsx or .csv, first row is the header"),
    "import.template": ("下载模板", "Download the template"),
    "import.drop": ("拖入文件，或点击选择", "Drop a file here or click to choose"),
    "import.checking": ("正在检查…", "Checking…"),
    "import.writing": ("正在导入…", "Importing…"),
    "import.summary": (
        "共 {total} 行：新增 {created}，更新 {updated}",
        "{total} rows: {created} new, {updated} updated",
    ),
    "import.has_errors": (
        "发现 {errors} 处错误，修正后重新上传；本次不会导入任何数据",
        "{errors} problems found; fix them and upload again. Nothing will be imported",
    ),
    "import.row": ("行号", "Row"),
    "import.column": ("列", "Column"),
    "import.reason": ("原因", "Reason"),
    "import.commit": ("确认导入", "Import"),
    "import.done": (
        "导入完成：新增 {created}，更新 {updated}",
        "Imported: {created} new, {updated} updated",
    ),
    # batch import of people
    "import.rejected": (
        "文件有 {errors} 处错误，未导入任何数据",
        "{errors} problems in the file; nothing was imported",
    ),
    "import.too_big": ("文件超过 {max_mb} MB", "The file is larger than {max_mb} MB"),
    "import.bad_type": ("只支持 .xlsx 或 .csv 文件", "Only .xlsx or .csv files"),
    "import.empty": ("文件是空的", "The file is empty"),
    "import.missing_column": ("缺少必填列：{field}", "Missing required column: {field}"),
    "import.unreadable": (
        "无法读取文件，请用模板重新保存",
        "The file cannot be read; save it from the template again",
    ),
    "import.too_many_rows": ("一次最多导入 {max} 行", "At most {max} rows per file"),
    "import.unknown_department": (
        "部门不存在（请写完整路径，如 研发中心/测试组）",
        "Unknown department (use the full path, e.g. R&D/QA)",
    ),
    "import.duplicate_in_file": ("与第 {row} 行重复", "Same as row {row}"),
    "import.taken": ("{value} 已属于其他人员", "{value} already belongs to someone else"),
    # phone whitelist and self-registration
    "nav.whitelist": ("手机白名单", "Phone whitelist"),
    "whitelist.explain": (
        "名单内的手机号可在手机上自助注册并绑定本企业",
        "Phones on this list can register on their phone and join this company",
    ),
    "whitelist.add": ("加入", "Add"),
    "whitelist.import": ("批量导入", "Import"),
    "whitelist.search": ("手机号或姓名", "Phone or name"),
    "whitelist.remove": ("移除", "Remove"),
    "whitelist.registered": ("已注册", "Registered"),
    "whitelist.waiting": ("未注册", "Not yet"),
    "whitelist.imported": ("已导入 {count} 个手机号", "{count} phones imported"),
    "register.title": ("员工注册", "Employee sign-up"),
    "register.explain": (
        "使用企业登记的手机号注册，验证码将发送到该手机",
        "Register with the phone your company listed; a code is sent to it",
    ),
    "register.send_code": ("获取验证码", "Send code"),
    "register.code": ("验证码", "Code"),
    "register.submit": ("注册", "Register"),
    "register.have_account": ("已有账号？去登录", "Have an account? Sign in"),
    "register.code_sent": (
        "如该手机号在企业白名单中，验证码已发送（10 分钟内有效）",
        "If this phone is on a company's list, a code is on its way (valid 10 minutes)",
    ),
    "register.done": ("注册成功，请登录", "Registered; please sign in"),
    "register.too_many": (
        "请求过于频繁，请 {seconds} 秒后再试",
        "Too many requests; try again in {seconds} s",
    ),
    "register.code_wrong": (
        "验证码错误，还可尝试 {attempts_left} 次",
        "Wrong code; {attempts_left} attempts left",
    ),
    "register.code_exhausted": (
        "验证码错误次数过多，请重新获取",
        "Too many wrong codes; request a new one",
    ),
    "register.code_expired": (
        "验证码已过期或未获取，请重新获取",
        "The code has expired or was never requested; request a new one",
    ),
    "register.not_whitelisted": (
        "该手机号不在企业白名单中，请联系企业管理员",
        "This phone is not on any company's list; contact your administrator",
    ),
    "register.several_tenants": (
        "该手机号在多个企业的白名单中，请联系企业管理员处理",
        "This phone is listed by several companies; contact your administrator",
    ),
    "register.already_registered": (
        "该手机号已注册，请直接登录",
        "This phone is already registered; please sign in",
    ),
    "register.user_conflict": (
        "该手机号对应的人员已停用或已绑定其他账号，请联系企业管理员",
        "This person is disabled or bound to another account; contact your administrator",
    ),
    "whitelist.phone_required": ("手机号必填", "Phone is required"),
    "whitelist.phone_invalid": ("手机号格式不正确", "Not a valid mobile number"),
    "whitelist.phone_duplicate_in_file": (
        "文件中手机号重复",
        "Phone appears more than once in the file",
    ),
    "whitelist.phone_already_listed": ("该手机号已在白名单中", "Phone is already on the list"),
    "whitelist.name_too_long": ("姓名不能超过 60 个字符", "Name is longer than 60 characters"),
    "whitelist.department_unknown": (
        "找不到该部门（请填写部门编码或名称）",
        "No such department (use its code or name)",
    ),
    "whitelist.department_ambiguous": (
        "存在多个同名部门，请填写部门编码",
        "Several departments have this name; use its code",
    ),
    "whitelist.import_too_large": ("一次最多导入 {max} 行", "At most {max} rows per import"),
    "account.register": ("自助注册", "Self-registered"),
    "account.reset_password": ("重置密码", "Password reset"),
    # errors (services raise DomainError keys)
    "error.generic": ("操作失败，请重试", "Something went wrong; please retry"),
    "error.not_found": ("{entity} #{id} 不存在", "{entity} #{id} does not exist"),
    "error.permission_denied": ("没有权限执行此操作", "You do not have permission to do this"),
    "error.other_tenant": ("不能访问其他企业的数据", "That belongs to another tenant"),
    "error.validation": ("输入有误：{field}", "Invalid input: {field}"),
    "error.stock_negative": (
        "货位 {slot} 的 {item} 库存不足（现有 {available}，需要 {requested}）",
        "Slot {slot} has only {available} of {item}; {requested} requested",
    ),
}


def _index(locale: str) -> int:
    return 1 if locale == "en" else 0


def normalise_locale(locale: str | None) -> str:
    return locale if locale in LOCALES else DEFAULT_LOCALE


def t(key: str, locale: str = DEFAULT_LOCALE, /, **params: object) -> str:
    """The message `key` in `locale`, formatted with `params`; unknown keys show the key."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    index = _index(normalise_locale(locale))
    text = entry[index]
    if not params:
        return text
    field_name = MESSAGES.get(f"field.{params.get('field')}")
    if field_name is not None:
        params = {**params, "field": field_name[index]}
    return text.format(**params)


@lru_cache(maxsize=len(LOCALES))
def strings(locale: str) -> dict[str, str]:
    """Every message of one locale (unformatted), for the UI."""
    index = _index(normalise_locale(locale))
    return {key: pair[index] for key, pair in MESSAGES.items()}
