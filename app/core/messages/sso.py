"""Messages of single sign-on through a company's identity provider (OpenID Connect), and of
employees' sign-in with a workplace IM (WeCom, DingTalk, Feishu)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "auth.sso_only": (
        "贵公司要求管理员使用企业账号登录，请在下方输入企业代码并点击“使用企业账号登录”",
        "Your company requires admins to sign in with their company account: enter the company "
        "code below and choose “Sign in with your company account”",
    ),
    "sso.refused": (
        "企业账号登录未通过验证，请重新登录；如仍失败请联系管理员",
        "The company sign-in could not be verified; please try again, and contact your "
        "administrator if it keeps failing",
    ),
    "sso.idp_refused": (
        "企业身份认证服务拒绝了本次登录",
        "Your company's identity provider refused this sign-in",
    ),
    "sso.unreachable": (
        "暂时无法连接企业身份认证服务，请稍后再试",
        "Your company's identity provider cannot be reached; please try again later",
    ),
    "sso.not_configured": (
        "该企业代码未开通企业账号登录，请检查企业代码或使用密码登录",
        "This company code has no company sign-in set up; check the code or use your password",
    ),
    "sso.unknown_person": (
        "您的企业账号未对应本企业的在职人员，请联系管理员在“人员”中添加您",
        "Your company account matches no active person of this company; ask an administrator "
        "to add you on the People page",
    ),
    "sso.no_account": (
        "您在本企业的人员信息尚未开通登录账号，请联系管理员",
        "Your person record in this company has no sign-in account yet; please contact an "
        "administrator",
    ),
    "sso.no_claim": (
        "企业身份认证服务未提供用于识别人员的信息，请联系管理员检查“企业账号登录”设置",
        "Your identity provider did not send the value that identifies you; an administrator "
        "should check the company sign-in settings",
    ),
    "sso.bad_issuer": (
        "签发者地址须为 https:// 开头的完整地址",
        "The issuer must be a full https:// URL",
    ),
    "login.sso": ("使用企业账号登录", "Sign in with your company account"),
    "login.company": ("企业代码", "Company code"),
    "sso.heading": ("企业账号登录（OpenID Connect）", "Company sign-in (OpenID Connect)"),
    "sso.help": (
        "管理员可使用公司的身份认证服务登录。请在身份认证服务中登记下方的回调地址。",
        "Admins can sign in through your company's identity provider. Register the callback "
        "address below with it.",
    ),
    "sso.callback": ("回调地址（Redirect URI）", "Callback address (redirect URI)"),
    "sso.issuer": ("签发者地址（Issuer）", "Issuer URL"),
    "sso.client_id": ("客户端 ID", "Client ID"),
    "sso.client_secret": ("客户端密钥", "Client secret"),
    "sso.secret_kept": ("已保存，留空则不修改", "Stored; leave blank to keep it"),
    "sso.match_field": ("按哪项匹配人员", "Match people by"),
    "sso.match.email": ("邮箱", "E-mail"),
    "sso.match.phone": ("手机号", "Phone"),
    "sso.match.employee_no": ("工号", "Employee number"),
    "sso.claim": ("ID 令牌中的声明名", "Claim name in the ID token"),
    "sso.sso_only": (
        "仅允许企业账号登录（管理员不可使用密码登录）",
        "SSO only (admins may not sign in with a password)",
    ),
    "sso.start_link": ("企业账号登录入口", "Sign-in link for your admins"),
    "audit.verb.sso.settings": (
        "修改企业账号登录设置",
        "changed the company sign-in (SSO) settings of",
    ),
    "audit.verb.auth.sso_refused": ("拒绝企业账号登录", "refused a company account sign-in to"),
    "audit.verb.auth.sso_required": (
        "拒绝密码登录（须企业账号）",
        "refused a password sign-in (company account required) of",
    ),
    "audit.kind.sso_issuer": ("企业账号登录设置", "company sign-in settings"),
    "login.wecom": ("企业微信登录", "Sign in with WeCom"),
    "login.dingtalk": ("钉钉登录", "Sign in with DingTalk"),
    "login.feishu": ("飞书登录", "Sign in with Feishu"),
    "login.im_hint": (
        "或用企业微信、钉钉、飞书登录：请输入企业代码",
        "Or sign in with WeCom, DingTalk or Feishu: enter your company code",
    ),
    "login.im_none": (
        "该企业代码未开通企业微信、钉钉或飞书登录，请检查企业代码或使用密码登录",
        "This company code has no WeCom, DingTalk or Feishu sign-in; check the code or use "
        "your password",
    ),
    "audit.verb.sso.wecom_settings": (
        "修改企业微信登录设置",
        "changed the WeCom sign-in settings of",
    ),
    "audit.kind.im_app": ("办公应用登录设置", "workplace IM sign-in settings"),
    "wecom.heading": ("员工企业微信登录", "Employees' WeCom sign-in"),
    "wecom.help": (
        "员工可在手机上用企业微信登录。请在企业微信自建应用中将本站域名设为可信域名，并把下方链接设为应用主页。",
        "Employees can sign in on their phone with WeCom. In your self-built WeCom app, make this "
        "site's domain a trusted domain and use the link below as the app's home page.",
    ),
    "wecom.corp_id": ("企业ID（CorpID）", "Corp ID"),
    "wecom.agent_id": ("应用 AgentId", "App AgentId"),
    "wecom.secret": ("应用 Secret", "App Secret"),
    "wecom.match_field": ("按哪项匹配人员", "Match people by"),
    "wecom.match.employee_no": ("企业微信账号 = 工号", "WeCom userid = employee number"),
    "wecom.match.phone": ("手机号", "Mobile number"),
    "wecom.start_link": ("应用主页链接", "App home page link"),
    "audit.verb.sso.dingtalk_settings": (
        "修改钉钉登录设置",
        "changed the DingTalk sign-in settings of",
    ),
    "dingtalk.heading": ("员工钉钉登录", "Employees' DingTalk sign-in"),
    "dingtalk.help": (
        "员工可在手机上用钉钉登录。请在钉钉企业内部应用的“登录与分享”中"
        "添加下方回调地址为重定向 URL，并可把下方链接设为应用首页地址。",
        "Employees can sign in on their phone with DingTalk. In your DingTalk internal app "
        "(Login & Share), add the callback address below as a redirect URL; the link below can "
        "be the app's home page.",
    ),
    "dingtalk.client_id": ("Client ID（原 AppKey）", "Client ID (AppKey)"),
    "dingtalk.corp_id": ("企业 CorpId（选填）", "CorpId (optional)"),
    "dingtalk.secret": ("Client Secret（原 AppSecret）", "Client Secret (AppSecret)"),
    "dingtalk.match_field": ("按哪项匹配人员", "Match people by"),
    "dingtalk.match.employee_no": ("钉钉 userid = 工号", "DingTalk userid = employee number"),
    "dingtalk.match.phone": ("手机号", "Mobile number"),
    "dingtalk.start_link": ("应用首页链接", "App home page link"),
    "audit.verb.sso.feishu_settings": (
        "修改飞书登录设置",
        "changed the Feishu sign-in settings of",
    ),
    "feishu.heading": ("员工飞书登录", "Employees' Feishu sign-in"),
    "feishu.help": (
        "员工可在手机上用飞书登录。请在飞书企业自建应用的“安全设置”中添加下方回调地址为重定向 URL，"
        "开通所选匹配方式需要的权限，并可把下方链接设为应用主页。",
        "Employees can sign in on their phone with Feishu. In your Feishu custom app (Security "
        "settings), add the callback address below as a redirect URL, enable the permission the "
        "chosen matching needs, and use the link below as the app's home page.",
    ),
    "feishu.app_id": ("App ID", "App ID"),
    "feishu.tenant_key": ("企业 tenant_key（选填）", "Tenant key (optional)"),
    "feishu.secret": ("App Secret", "App Secret"),
    "feishu.match_field": ("按哪项匹配人员", "Match people by"),
    "feishu.match.employee_no": ("飞书 user_id = 工号", "Feishu user_id = employee number"),
    "feishu.match.job_no": ("飞书工号 = 工号", "Feishu employee no. = employee number"),
    "feishu.match.phone": ("手机号", "Mobile number"),
    "feishu.start_link": ("应用主页链接", "App home page link"),
}
