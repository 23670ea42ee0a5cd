"""Demo accounts of the Kunshan pack: one per role, plus citizens in every real-name state."""

from __future__ import annotations

from dataclasses import dataclass

# Printed by `make run`; demo data only — a real deployment creates its admin with
# `cityverse create-admin` and never loads demo people.
DEMO_PASSWORD = "Demo-Kunshan-2025"  # noqa: S105 - demo accounts, dev mode only


@dataclass(frozen=True)
class DemoPerson:
    username: str
    display_name: str
    roles: tuple[str, ...]
    # (name, birth yyyymmdd, sequence) to build a valid resident ID, and the review outcome.
    identity: tuple[str, str, str] | None = None
    realname: str = "none"  # none | pending | approved | rejected
    enterprise_key: str | None = None


DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("admin", "平台管理员", ("admin",)),
    DemoPerson("officer", "市数据局 王晓", ("officer",), ("王晓", "19850312", "041"), "approved"),
    DemoPerson("enterprise", "星瞳光学 陈立", ("enterprise",), ("陈立", "19900721", "053"),
               "approved", enterprise_key="demo-ent-01"),
    DemoPerson("creator", "数字艺术家 林悦", ("creator",), ("林悦", "19960105", "062"),
               "approved"),
    DemoPerson("visitor", "市民 周航", ("visitor",)),
    DemoPerson("citizen_li", "市民 李娜", ("visitor",), ("李娜", "19921118", "084"), "pending"),
    DemoPerson("citizen_zhao", "市民 赵强", ("creator",), ("赵强", "19880630", "097"), "pending"),
    DemoPerson("citizen_sun", "市民 孙磊", ("visitor",), ("孙磊", "19791203", "015"),
               "rejected"),
)

REGION_CODE = "320583"  # 昆山市
