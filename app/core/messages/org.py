"""Messages: Departments, people and their batch import. key: (zh-CN, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
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
    # the departments page
    "dept.new": ("新建部门", "New department"),
    "dept.name": ("部门名称", "Department name"),
    "dept.people": ("在职人数（含下级）", "People (incl. below)"),
    "dept.status": ("状态", "Status"),
    "dept.active": ("启用", "Active"),
    "org.department_disabled": (
        "「{name}」已停用，不能把人员放进停用的部门",
        "“{name}” is disabled: nobody can be placed in a disabled department",
    ),
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
    # the people page
    "people.search": ("姓名 / 工号 / 手机号", "Name / employee no. / phone"),
    "people.all_departments": ("全部部门", "All departments"),
    "people.all_statuses": ("全部状态", "Any status"),
    "people.active": ("在职", "Active"),
    "people.disabled": ("已停用", "Disabled"),
    "people.new": ("新建人员", "New person"),
    "people.edit": ("编辑", "Edit"),
    "people.enable": ("启用", "Enable"),
    "people.disable": ("停用", "Disable"),
    "people.import": ("批量导入", "Import"),
    "people.export": ("导出", "Export"),
    "access.title": ("权限与安全", "Access"),
    "access.pin_hint": ("4–8 位数字", "4–8 digits"),
    "access.reset": ("重置密码", "Reset password"),
    "access.close": ("关闭", "Close"),
    "access.no_account": (
        "此人尚未注册登录账号：可设置开柜 PIN，注册后再分配角色",
        "No sign-in account yet: a cabinet PIN works now; roles once they register",
    ),
    "access.pin_saved": ("开柜 PIN 已更新", "Cabinet PIN updated"),
    "access.password_reset": (
        "密码已重置，此人需重新登录",
        "Password reset; they must sign in again",
    ),
    "access.roles_saved": ("角色已更新", "Roles updated"),
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
    "import.unreadable_row": (
        "第 {row} 行无法读取（编码或引号有误），请另存为 UTF-8 CSV 或 .xlsx",
        "Row {row} cannot be read (encoding or quotes); save as UTF-8 CSV or .xlsx",
    ),
    "import.line_too_long": (
        "第 {row} 行超过 {max_kb} KB，请检查文件",
        "Row {row} is longer than {max_kb} KB; check the file",
    ),
    "import.workbook_too_complex": (
        "工作簿解压后过大或结构过于复杂，请只保留要导入的工作表并另存为 .xlsx 或 CSV",
        "The workbook is too large or complex once unpacked; keep only the sheet to import "
        "and save it again as .xlsx or CSV",
    ),
    "import.unknown_department": (
        "部门不存在（请写完整路径，如 研发中心/测试组）",
        "Unknown department (use the full path, e.g. R&D/QA)",
    ),
    "import.duplicate_in_file": ("与第 {row} 行重复", "Same as row {row}"),
    "import.taken": ("{value} 已属于其他人员", "{value} already belongs to someone else"),
}
