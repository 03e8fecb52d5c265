"""Static demo content: companies, departments, names and a realistic supply catalogue."""

from __future__ import annotations

from dataclasses import dataclass

DEMO_MARKER_TENANT = "TN-XY"
DEMO_PASSWORD = "Demo@1234"


def demo_wall_token(tenant_code: str) -> str:
    """The demo tenants' wall links are known, like the demo passwords (never in production)."""
    return f"demo-wall-{tenant_code.lower()}"


DEMO_PIN = "246810"

PROVIDERS = (
    ("SP-HX", "华信办公服务有限公司", "陈立", "13816620001"),
    ("SP-YJ", "优集供应链管理有限公司", "刘敏", "13916620002"),
)

# code, name, provider index, cabinets, people
TENANTS = (
    ("TN-XY", "星月科技有限公司", 0, 3, 90),
    ("TN-HT", "海天贸易集团", 0, 3, 70),
    ("TN-LM", "绿木设计工作室", 1, 2, 40),
)

DEPARTMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("总经办", ()),
    ("财务部", ("会计组", "出纳组")),
    ("人力资源部", ()),
    ("研发中心", ("前端组", "后端组", "测试组")),
    ("市场部", ("品牌组", "渠道组")),
    ("行政部", ()),
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
)
GIVEN = (
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "文",
    "浩",
    "宇",
    "欣怡",
    "子涵",
    "梓萱",
    "一鸣",
    "思远",
    "佳怡",
    "俊杰",
    "雨桐",
    "晨曦",
    "嘉豪",
    "诗涵",
    "博文",
    "天佑",
    "若曦",
)


@dataclass(frozen=True)
class DemoItem:
    name: str
    unit: str
    weight_g: float
    tolerance_g: float
    cost_cents: int
    tags: tuple[str, ...] = ()
    requires_approval: bool = False


# The shelf detector's class each demo item looks like (vision/appearance.py); the rest it
# does not know, and the camera does not count them.
LOOKS: dict[str, str] = {
    "中性笔 0.5mm 黑": "pen-gel-black",
    "中性笔 0.5mm 蓝": "pen-gel-blue",
    "白板笔 黑": "marker-whiteboard",
    "荧光笔 黄": "highlighter",
    "记号笔 双头": "marker-sharpie",
    "自动铅笔 0.5mm": "mech-pencil",
    "A4复印纸 70g(500张)": "ream-a4-70",
    "A4复印纸 80g(500张)": "ream-a4-80",
    "A5笔记本 80页": "notebook-a5",
    "便利贴 76×76": "sticky-notes",
    "牛皮纸信封 DL": "envelope-dl",
    "长尾夹 32mm(12只)": "binder-clips-box",
    "回形针(100枚)": "paper-clips-box",
    "档案盒 55mm": "file-box",
    "订书机 标准型": "stapler",
    "订书钉 24/6(1000枚)": "staples-box",
    "剪刀 办公型": "scissors",
    "透明胶带 48mm": "tape-clear",
    "固体胶 21g": "glue-stick-21g",
    "无线鼠标": "mouse",
    "U盘 64GB": "usb-64-metal",
    "5号电池(4节)": "batteries-aa4",
    "7号电池(4节)": "batteries-aaa4",
    "键盘清洁泥": "sticky-tack",
}


ITEM_TYPES: dict[str, tuple[DemoItem, ...]] = {
    "书写工具": (
        DemoItem("中性笔 0.5mm 黑", "支", 10.2, 0.4, 250, ("常用",)),
        DemoItem("中性笔 0.5mm 蓝", "支", 10.4, 0.4, 250, ("常用",)),
        DemoItem("中性笔 0.5mm 红", "支", 10.6, 0.4, 250),
        DemoItem("中性笔替芯 黑(20支)", "盒", 62.0, 1.5, 1200),
        DemoItem("白板笔 黑", "支", 15.8, 0.6, 350),
        DemoItem("荧光笔 黄", "支", 12.5, 0.5, 300),
        DemoItem("记号笔 双头", "支", 17.3, 0.6, 400),
        DemoItem("自动铅笔 0.5mm", "支", 9.1, 0.4, 600),
    ),
    "纸品本册": (
        DemoItem("A4复印纸 70g(500张)", "包", 2180.0, 25.0, 2300, ("常用",)),
        DemoItem("A4复印纸 80g(500张)", "包", 2495.0, 25.0, 2800),
        DemoItem("A5笔记本 80页", "本", 168.0, 4.0, 800, ("常用",)),
        DemoItem("B5软抄本", "本", 121.0, 3.5, 450),
        DemoItem("便利贴 76×76", "本", 41.0, 1.2, 320, ("常用",)),
        DemoItem("牛皮纸信封 DL", "个", 8.4, 0.4, 50),
    ),
    "文件管理": (
        DemoItem("透明文件袋 A4", "个", 22.0, 0.8, 120),
        DemoItem("拉杆夹 A4", "个", 54.0, 1.5, 450),
        DemoItem("长尾夹 32mm(12只)", "盒", 152.0, 4.0, 900),
        DemoItem("回形针(100枚)", "盒", 48.5, 1.5, 280),
        DemoItem("档案盒 55mm", "个", 168.5, 4.0, 650),
        DemoItem("文件夹 双强力夹", "个", 137.0, 3.5, 980),
    ),
    "桌面用品": (
        DemoItem("订书机 标准型", "个", 176.0, 4.0, 1800),
        DemoItem("订书钉 24/6(1000枚)", "盒", 36.5, 1.0, 220, ("常用",)),
        DemoItem("剪刀 办公型", "把", 63.0, 1.5, 900),
        DemoItem("透明胶带 48mm", "卷", 96.0, 3.0, 550),
        DemoItem("双面胶 12mm", "卷", 24.2, 0.8, 260),
        DemoItem("固体胶 21g", "支", 31.0, 1.0, 380),
        DemoItem("美工刀 大号", "把", 44.0, 1.2, 700),
    ),
    "电脑周边": (
        DemoItem("无线鼠标", "个", 71.0, 2.0, 5900, ("高值", "需审批"), True),
        DemoItem("USB-C 数据线 1m", "根", 33.5, 1.2, 2900, ("高值",)),
        DemoItem("U盘 64GB", "个", 9.8, 0.4, 4500, ("高值", "需审批"), True),
        DemoItem("5号电池(4节)", "板", 98.0, 2.5, 1200, ("常用",)),
        DemoItem("7号电池(4节)", "板", 50.0, 1.8, 1100),
        DemoItem("键盘清洁泥", "盒", 72.5, 2.0, 1500),
    ),
    "清洁劳保": (
        DemoItem("抽纸(3包)", "提", 412.0, 9.0, 1290, ("常用",)),
        DemoItem("湿巾 80片", "包", 395.0, 9.0, 990),
        DemoItem("一次性口罩(10只)", "包", 38.0, 1.2, 500, ("常用",)),
        DemoItem("免洗洗手液 300ml", "瓶", 338.0, 7.0, 1690),
        DemoItem("垃圾袋 45×50(50只)", "卷", 185.0, 5.0, 790),
        DemoItem("一次性纸杯(50只)", "条", 231.0, 6.0, 890),
    ),
}

CABINET_MODELS = ("SC-40S", "SC-24M", "RC-12R")
SITES = ("总部大楼 3F", "总部大楼 8F", "研发园 B座 2F")
