"""Messages: The phone whitelist and self-registration. key: (zh-CN, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # phone whitelist and self-registration
    "nav.whitelist": ("手机白名单", "Phone whitelist"),
    "whitelist.explain": (
        "名单内的手机号可在手机上自助注册并绑定本企业",
        "Phones on this list can register on their phone and join this company",
    ),
    "whitelist.add": ("加入", "Add"),
    "whitelist.new": ("添加手机号", "Add a phone"),
    "whitelist.added": ("已加入 {phone}", "{phone} added"),
    "whitelist.actions": ("操作", "Actions"),
    "whitelist.link": ("登记链接", "Registration link"),
    "whitelist.link_title": ("员工手机自助注册", "Employee self-registration"),
    "whitelist.link_explain": (
        "用手机扫码打开，输入名单中的手机号，凭短信验证码注册",
        "Scan with a phone, enter the listed phone number and register with the texted code",
    ),
    "whitelist.copy": ("复制链接", "Copy link"),
    "whitelist.copied": ("链接已复制", "Link copied"),
    "whitelist.print": ("打印", "Print"),
    "whitelist.import": ("批量导入", "Import"),
    "whitelist.search": ("手机号或姓名", "Phone or name"),
    "whitelist.remove": ("移除", "Remove"),
    "whitelist.remove_title": ("从白名单移除？", "Remove from the whitelist?"),
    "whitelist.remove_confirm": (
        "移除后该手机号不能再自助注册；已注册的账号不受影响。",
        "The phone can no longer register itself; an account already registered stays.",
    ),
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
    "register.choose_company": (
        "该手机号在多家企业的白名单中，请选择您所在的企业后再点注册",
        "Several companies list this phone: choose the one you work for, then register",
    ),
    "register.company": ("所在企业", "Your company"),
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
    "whitelist.name_unsafe": (
        "姓名含有控制字符或文字方向字符",
        "Name contains control or text-direction characters",
    ),
    "whitelist.department_unknown": (
        "找不到该部门（请填写部门编码或名称）",
        "No such department (use its code or name)",
    ),
    "whitelist.department_ambiguous": (
        "存在多个同名部门，请填写部门编码",
        "Several departments have this name; use its code",
    ),
    "whitelist.import_too_large": ("一次最多导入 {max} 行", "At most {max} rows per import"),
}
