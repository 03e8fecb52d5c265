"""Messages of single sign-on through a company's identity provider (OpenID Connect)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "sso.settings": ("修改企业账号登录设置", "Changed the company sign-in (SSO) settings"),
    "auth.sso_refused": ("企业账号登录被拒绝", "Company account sign-in refused"),
    "auth.sso_required": (
        "已拒绝密码登录（须使用企业账号）",
        "Password sign-in refused (company account required)",
    ),
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
    "sso.wecom_settings": ("修改企业微信登录设置", "Changed the WeCom sign-in settings"),
    "audit.verb.sso.wecom_settings": (
        "修改企业微信登录设置",
        "changed the WeCom sign-in settings of",
    ),
    "audit.kind.wecom_app": ("企业微信登录设置", "WeCom sign-in settings"),
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
}
