"""Kunshan demo data of the innovation center and the leading group: the service catalog, a
year of service requests from demo enterprises, and the six task forces with their tasks.

Idempotent: the catalog and task forces are updated by key; requests and tasks are created
only on the first run, so later runs keep what people did in the demo since.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.cities.kunshan.demo_people import DEMO_PASSWORD
from cityverse.core.auth import service as accounts
from cityverse.core.auth.policy import Role
from cityverse.core.db import utcnow
from cityverse.modules.industry import service as industry
from cityverse.modules.industry.support import catalog
from cityverse.modules.industry.support import service as support
from cityverse.modules.industry.support.schemas import ServiceIn
from cityverse.modules.industry.taskforces import service as taskforces

Progress = Callable[[str, int, int], None]
Reader = Callable[[str], list[dict[str, Any]]]

# Staff of more demo enterprises, so requests come from across the chain (same demo password).
SUPPORT_MEMBERS: tuple[tuple[str, str, str], ...] = (
    ("ent_jingchuan", "镜川近眼显示 刘洋", "demo-ent-02"),
    ("ent_zhuoguang", "琢光引擎 许诺", "demo-ent-13"),
    ("ent_kunyun", "昆韵数字人 沈佳", "demo-ent-25"),
    ("ent_jiangtong", "匠瞳工业AR 顾晨", "demo-ent-31"),
    ("ent_gudu", "古渡文旅 陆雯", "demo-ent-33"),
)

# What enterprises ask of each service ({topic}, {amount} and {n} vary).
TITLES: dict[str, tuple[str, ...]] = {
    "svc-tech-transfer": ("与高校联合攻关{topic}", "申请{topic}成果转化对接",
                          "寻找{topic}专利许可"),
    "svc-tech-testing": ("{topic}样机性能检测", "头显产品兼容性检测", "申请出具第三方检测报告"),
    "svc-hightech-cert": ("高新技术企业认定材料预审", "研发费用归集辅导", "专精特新申报辅导"),
    "svc-tech-loan": ("申请科创贷 {amount} 万元", "申请人才贷 {amount} 万元", "申请贷款贴息"),
    "svc-equity": ("参加元宇宙产业基金路演", "A 轮融资 {amount}0 万元对接", "商业计划书辅导"),
    "svc-legal-contract": ("海外经销合同审查", "劳动合同模板审查", "技术合作协议审查"),
    "svc-data-compliance": ("用户协议与隐私政策合规审查", "虚拟现实应用数据出境评估",
                            "人脸数据采集合规咨询"),
    "svc-patent": ("{topic}发明专利申请", "核心产品专利布局分析", "海外 PCT 专利申请"),
    "svc-ip-pledge": ("知识产权质押融资 {amount} 万元", "专利价值评估", "软件著作权质押登记"),
    "svc-talent": ("招聘 3D 引擎开发工程师 {n} 名", "申报昆山人才计划", "人才公寓申请"),
    "svc-training": ("共建{topic}实训课程", "员工 {topic} 技能培训", "校企联合培养 {n}0 名学生"),
    "svc-space": ("申请研发楼 {n}00 平方米", "中试厂房入驻", "孵化器工位 {n} 个"),
}
TOPICS = ("硅基OLED微显示", "Pancake光学模组", "空间定位算法", "实时渲染引擎", "数字人驱动",
          "工业AR巡检", "数字孪生产线", "沉浸式演艺")
RESOLUTIONS = ("已完成对接，双方已签署合作协议。", "材料已审核通过，后续按流程办理。",
               "已安排服务机构上门服务，问题已解决。", "已出具书面意见，企业确认无异议。")
REJECTIONS = ("不属于本中心服务范围，已转交市商务局。", "申请材料不完整，请补充后重新提交。",
              "企业暂不满足该政策的申报条件。")
RATING_COMMENTS = {5: "响应及时，服务专业", 4: "整体满意，流程还可更快", 3: "基本解决问题",
                   2: "等待时间较长", 1: "问题未完全解决"}
REQUESTS = 96  # about eight a month over the last year


async def load_catalog(session: AsyncSession, read: Reader, progress: Progress) -> list[int]:
    items = read("support_services.json")
    ids = []
    for index, item in enumerate(items, 1):
        key = item.pop("key")
        ids.append((await catalog.upsert_demo_service(session, key,
                                                      ServiceIn.model_validate(item))).id)
        progress("services", index, len(items))
    return ids


async def _members(
    session: AsyncSession, enterprises: dict[str, int]
) -> list[tuple[int, str, int]]:
    """(user id, display name, enterprise id) of every demo enterprise member who files."""
    found = []
    enterprise_user = await accounts.find_user(session, "enterprise")
    if enterprise_user is not None:
        found.append((enterprise_user.id, enterprise_user.display_name,
                      enterprises["demo-ent-01"]))
    for username, display_name, enterprise_key in SUPPORT_MEMBERS:
        user = await accounts.find_user(session, username)
        if user is None:
            user = await accounts.create_user(session, username=username, password=DEMO_PASSWORD,
                                              display_name=display_name, roles=[Role.ENTERPRISE])
        await industry.add_member(session, enterprises[enterprise_key], user.id)
        found.append((user.id, display_name, enterprises[enterprise_key]))
    return found


def _title(rng: random.Random, service_key: str | None) -> str:
    return rng.choice(TITLES.get(service_key or "", ("服务咨询",))).format(
        topic=rng.choice(TOPICS), amount=rng.choice((200, 300, 500, 800, 1000)),
        n=rng.randint(2, 9))


def _history(rng: random.Random, now: datetime, sla: int) -> dict[str, Any]:
    """A request's dates and outcome; the older it is, the likelier it is finished."""
    age = rng.uniform(0.5, 360)
    submitted = now - timedelta(days=age, hours=rng.randint(0, 8))
    roll = rng.random()
    finished = age > sla * 1.5
    if roll < 0.1:
        status = "rejected"
    elif finished:
        status = "resolved" if roll < 0.93 else rng.choice(("accepted", "in_progress"))
    else:
        status = rng.choice(("submitted", "accepted", "in_progress", "in_progress", "resolved"))
    history: dict[str, Any] = {"submitted_at": submitted, "status": status}
    step = min(age / 4, rng.uniform(0.2, 2))
    if status == "rejected":
        history.update(rejected_at=submitted + timedelta(days=step),
                       reject_reason=rng.choice(REJECTIONS))
        return history
    if status in ("accepted", "in_progress", "resolved"):
        history["accepted_at"] = submitted + timedelta(days=step)
    if status in ("in_progress", "resolved"):
        history["started_at"] = history["accepted_at"] + timedelta(days=step)
    if status == "resolved":
        took = min(age - 0.1, rng.uniform(2, sla * 1.3))
        history["resolved_at"] = submitted + timedelta(days=max(took, 2 * step + 0.1))
        history["resolution"] = rng.choice(RESOLUTIONS)
        if rng.random() < 0.75:
            score = rng.choices((5, 4, 3, 2, 1), weights=(45, 30, 15, 7, 3))[0]
            history.update(rating=score, rating_comment=RATING_COMMENTS[score])
    return history


async def load_requests(
    session: AsyncSession, services: list[int], enterprises: dict[str, int], progress: Progress
) -> int:
    if await support.any_requests(session):
        return await support.count_requests(session)
    officer = await accounts.find_user(session, "officer")
    members = await _members(session, enterprises)
    offered = [await catalog.get_service(session, service_id) for service_id in services]
    rng = random.Random(20250601)  # noqa: S311 - demo data: the same year on every machine
    now = utcnow()
    for index in range(1, REQUESTS + 1):
        service = rng.choice(offered)
        requester_id, requester_name, enterprise_id = rng.choice(members)
        history = _history(rng, now, service.sla_days)
        comments = []
        if officer is not None and history.get("accepted_at") is not None:
            comments.append((requester_id, requester_name, False, "请问目前办理到哪一步了？",
                             history["accepted_at"] + timedelta(hours=3)))
            comments.append((officer.id, officer.display_name, True,
                             "已受理，服务机构将在三个工作日内与您联系。",
                             history["accepted_at"] + timedelta(hours=5)))
        await support.add_past_request(
            session, service_id=service.id, enterprise_id=enterprise_id,
            requester_id=requester_id, title=_title(rng, service.key),
            description=f"{requester_name}提交：{service.description}",
            assignee_id=officer.id if officer and "accepted_at" in history else None,
            comments=comments, **history,
        )
        progress("requests", index, REQUESTS)
    return REQUESTS


async def load_taskforces(session: AsyncSession, read: Reader, progress: Progress) -> int:
    items = read("taskforces.json")
    today = utcnow().date()
    tasks = 0
    for index, item in enumerate(items, 1):
        force = await taskforces.upsert_taskforce(
            session, item["key"], name=item["name"], name_en=item["name_en"],
            description=item["description"], description_en=item["description_en"])
        people = {}
        for username in [item["lead"], *item["members"]]:
            user = await accounts.find_user(session, username)
            if user is not None:
                people[username] = user.id
                await taskforces.set_member(session, None, force.id, user.id,
                                            username == item["lead"])
        owners = list(people.values())
        for number, task in enumerate(item["tasks"], 1):
            await taskforces.ensure_task(
                session, force.id, f"{item['key']}-{number:02d}", title=task["title"],
                owner_id=owners[number % len(owners)] if owners else None,
                deadline=today + timedelta(days=task["days"]), progress=task["progress"],
                status=task["status"])
            tasks += 1
        progress("taskforces", index, len(items))
    return tasks


async def load(
    session: AsyncSession, read: Reader, enterprises: dict[str, int], progress: Progress
) -> dict[str, int]:
    services = await load_catalog(session, read, progress)
    requests = await load_requests(session, services, enterprises, progress)
    tasks = await load_taskforces(session, read, progress)
    return {"support_services": len(services), "support_requests": requests,
            "taskforce_tasks": tasks}
