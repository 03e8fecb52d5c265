"""Messages of the REST API (problem details) and the API keys page. key: (zh-CN, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "api.field.item_name": ("物品名称", "item name"),
    "field.body": ("请求正文（不是有效的 JSON）", "request body (not valid JSON)"),
    "api.field.department_name": ("部门名称", "department name"),
    "api.key_required": (
        "缺少 API 密钥：请在 Authorization 请求头中携带 Bearer 密钥",
        "API key missing: send it as `Authorization: Bearer <key>`",
    ),
    "apikeys.refused": (
        "API 密钥无效、已过期或已吊销，请在控制台创建新密钥",
        "The API key is unknown, expired or revoked; create a new one in the console",
    ),
    "apikeys.tenant_suspended": (
        "该企业的服务已暂停，API 密钥暂不可用，请联系服务商",
        "This company's service is suspended, so its API keys are refused; contact its provider",
    ),
    "apikeys.provider_suspended": (
        "该服务商已暂停服务，其 API 密钥暂不可用，请联系平台运营",
        "This service provider is suspended, so its API keys are refused; contact the platform",
    ),
    "api.scope_missing": (
        "该 API 密钥没有 {scope} 权限，请在控制台创建带此权限的密钥",
        "This API key lacks the {scope} scope; create a key that has it in the console",
    ),
    "api.origin_refused": (
        "请求来自不被允许的网页来源（Origin）且带有 Cookie：请从服务器端用 API 密钥调用",
        "Refused: a cookie sent from a page of another origin; call the API from a server with "
        "a key and no cookie",
    ),
    "api.rate_limited": (
        "请求过于频繁，请按 Retry-After 指定的秒数后重试",
        "Too many requests; retry after the seconds Retry-After names",
    ),
    "api.idempotency_mismatch": (
        "该 Idempotency-Key 已用于另一个请求，请为新请求使用新的键",
        "This Idempotency-Key was used for another request; use a new key for a new request",
    ),
    "api.idempotency_key_invalid": (
        "Idempotency-Key 须为 1–255 个字符",
        "Idempotency-Key must be 1 to 255 characters",
    ),
    "api.conflict": (
        "与同时进行的另一修改冲突，请重试",
        "This clashed with another change made at the same time; retry",
    ),
    "api.not_found": (
        "找不到：没有该记录，或它不属于此密钥可访问的企业",
        "Not found: no such record among the companies this key reaches",
    ),
    "api.no_such_path": ("没有这个接口路径，请查看 /api/v1/docs", "No such path; see /api/v1/docs"),
    "api.method_not_allowed": ("此路径不支持该请求方法", "This path does not take that method"),
    "org.unknown_department": (
        "找不到外部编号为所给值的部门（{field}），请先同步部门",
        "No department has that external id ({field}); sync the departments first",
    ),
    "apikeys.revoked_already": ("该密钥已吊销", "That key is revoked already"),
    "apikeys.tenant_unknown": (
        "该密钥无权访问企业代码为 {code} 的企业（tenant 参数）",
        "This key does not reach a company with the code {code} (the tenant parameter)",
    ),
    "api.tenant_required": (
        "服务商密钥修改数据时须用 ?tenant=<企业代码> 指明企业",
        "A provider's key must name the company of a change with ?tenant=<company code>",
    ),
    "apikeys.owner": ("归属", "Belongs to"),
    "apikeys.owner_tenant": ("本企业", "This company"),
    "apikeys.owner_provider": (
        "本服务商（可访问所服务的全部企业）",
        "Our provider (every company we serve)",
    ),
    "audit.field.provider_id": ("服务商", "Provider"),
    "nav.api_keys": ("API 密钥", "API keys"),
    "apikeys.title": ("API 密钥", "API keys"),
    "apikeys.help": (
        "外部系统（HR、ERP、服务商的外勤系统）用 API 密钥调用 /api/v1 接口。"
        "企业的密钥只能访问本企业的数据；"
        "服务商管理员可创建服务商的密钥，访问其服务的全部企业（修改时用 ?tenant= 指明企业）。"
        "密钥只能做所勾选的事，只在创建时显示一次，请立即妥善保存；丢失后请吊销并重新创建。",
        "Outside systems (HR, ERP, a provider's field system) call /api/v1 with an API key. A "
        "company's key reaches that company only; a provider's admin may make the provider's "
        "key, which reaches every company it serves (a change names one with ?tenant=). A key "
        "does only what its scopes allow. It is shown once, when created: store it safely now; "
        "if it is lost, revoke it and create another.",
    ),
    "apikeys.name": ("名称", "Name"),
    "apikeys.prefix": ("前缀", "Prefix"),
    "apikeys.scopes": ("权限范围", "Scopes"),
    "apikeys.expires": ("有效期（天，留空为长期）", "Valid for (days, empty: no expiry)"),
    "apikeys.expires_at": ("到期", "Expires"),
    "apikeys.last_used": ("最近使用", "Last used"),
    "apikeys.never": ("从未", "Never"),
    "apikeys.state": ("状态", "State"),
    "apikeys.state.active": ("有效", "Active"),
    "apikeys.state.expired": ("已过期", "Expired"),
    "apikeys.state.revoked": ("已吊销", "Revoked"),
    "apikeys.create": ("创建密钥", "Create key"),
    "apikeys.revoke": ("吊销", "Revoke"),
    "apikeys.revoke_title": ("吊销这个密钥？", "Revoke this key?"),
    "apikeys.revoke_text": (
        "吊销后，使用它的系统会立即被拒绝，且无法恢复。",
        "Systems that use it are refused at once; this cannot be undone.",
    ),
    "apikeys.revoked": ("密钥已吊销", "Key revoked"),
    "apikeys.created": (
        "密钥已创建。它只显示这一次，请立即复制保存：",
        "Key created. It is shown this once only; copy it now:",
    ),
    "apikeys.empty": ("还没有 API 密钥", "No API keys yet"),
    "audit.kind.api_key": ("API 密钥", "API key"),
    "audit.verb.api_key.revoke": ("吊销", "revoked"),
    "audit.field.external_id": ("外部编号", "External id"),
    "audit.field.scopes": ("权限范围", "Scopes"),
    "audit.field.prefix": ("前缀", "Prefix"),
    "audit.field.expires_at": ("到期", "Expires"),
    "audit.field.revoked": ("已吊销", "Revoked"),
    "apikeys.docs": ("接口文档：/api/v1/docs", "API reference: /api/v1/docs"),
}
