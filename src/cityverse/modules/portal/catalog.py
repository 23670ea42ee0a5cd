"""The systems of the action plan (MISSION.md), as the portal presents them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class System:
    key: str
    number: int
    name_zh: str
    name_en: str
    summary_zh: str
    summary_en: str
    figures: tuple[str, ...] = ()  # keys of live figures shown on the card


SYSTEMS: tuple[System, ...] = (
    System("living-room", 1, "云上客厅", "Cloud living room",
           "多人在线的 3D 展厅：企业形象展示、产品体验、会展销售与商务洽谈。",
           "A multi-user 3D exhibition hall: company showcases, product experience, "
           "exhibition sales and business negotiation.", ("enterprises",)),
    System("innovation-center", 2, "创新中心", "Innovation center",
           "为中小微企业提供科技、金融、法律、知识产权等服务，跟踪企业与研发项目。",
           "Technology, finance, legal and IP services for SMEs; tracking of enterprises "
           "and R&D projects.", ("enterprises",)),
    System("digital-assets", 3, "数字资产流通平台", "Digital-asset circulation",
           "数字藏品与数字出版物的确权、加密、发行、流转、冻结与销毁，基于可验证账本。",
           "Rights confirmation, encryption, issuance, transfer, freeze and burn of digital "
           "collectibles and publications on a verifiable ledger.", ("verified_users",)),
    System("content", 4, "内容分发平台", "Content distribution",
           "3D 与多媒体内容的云端创作、生产、发布与管理，低代码搭建场景。",
           "Cloud creation, production, publishing and management of 3D and media content; "
           "low-code scene building."),
    System("digital-twin", 5, "城市数字孪生底座", "City digital twin",
           "城市对象、物联网感知与三维可视化，为决策提供支撑。",
           "City objects, IoT sensing and 3D visualisation for decision support.", ("places",)),
    System("traffic", 6, "智能交通", "Smart traffic",
           "交通态势感知，错峰通勤、公交信号优先与大客流疏散仿真。",
           "Traffic situation awareness; simulation of staggered commuting, bus signal "
           "priority and crowd evacuation."),
    System("emergency", 7, "安全应急", "Safety & emergency",
           "火灾、汛情、气象与公共事件的监测、预警与处置。",
           "Monitoring, early warning and response for fire, flood, weather and public events."),
    System("tourism", 8, "数字周庄 · 文体旅", "Virtual tourism",
           "云游古镇、三维场景与数字人导览。",
           "Cloud tours of the water towns, 3D scenes and digital-human guides.", ("places",)),
    System("investment", 9, "招商平台", "Investment promotion",
           "投资方与项目对接、智能匹配与直接沟通。",
           "Investors and projects meet, are matched and talk directly.", ("enterprises",)),
    System("ip-incubation", 10, "知识产权孵化平台", "IP incubation",
           "知识产权储备库、评估、供需对接、专家评审与路演转化。",
           "IP reserve library, valuation, supply–demand matching, expert review and "
           "roadshows."),
    System("plan-governance", 11, "领导小组 · 专班", "Plan governance",
           "千亿产业规模等目标的实时跟踪，六个工作专班的任务与评估。",
           "Live tracking of the plan's targets; tasks and evaluation of the six task forces."),
    System("alliance", 12, "产业联盟 · 元宇宙大会", "Alliance & conference",
           "联盟成员、活动、路演与论坛。", "Alliance members, events, roadshows and forums."),
    System("digital-identity", 13, "数字身份", "Digital identity",
           "实名账号、密钥与标识，可信的数据共享。",
           "Real-name accounts, keys and identifiers for trusted data sharing.",
           ("users", "verified_users")),
    System("digital-humans", 14, "数字人", "Digital humans",
           "展厅与景区中的数字人导览与讲解。", "Digital-human guides and presenters in spaces."),
    System("metaverse-plus", 15, "元宇宙+ 场景", "Metaverse+ scenes",
           "虚拟课堂、实训仿真、数字孪生工厂与医疗 3D 等行业场景。",
           "Virtual classrooms, training simulation, digital-twin factories and medical 3D."),
)

FIGURE_LABELS: dict[str, tuple[str, str]] = {
    "enterprises": ("入驻企业", "Enterprises"),
    "places": ("地点", "Places"),
    "users": ("注册用户", "Registered users"),
    "verified_users": ("实名用户", "Verified users"),
}
