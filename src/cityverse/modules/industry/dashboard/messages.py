"""Messages of the dashboard's error codes, in zh-CN and en."""

from __future__ import annotations

from cityverse.core.i18n import register_messages

MESSAGES: dict[str, dict[str, str]] = {
    "error.industry_report_future_month": {
        "zh-CN": "{month} 尚未开始，无法生成该月的月报",
        "en": "{month} has not started yet; there is nothing to report",
    },
    "error.industry_report_not_found": {
        "zh-CN": "没有 {month} 的月报，请先生成",
        "en": "There is no report for {month} yet; generate it first",
    },
}

register_messages(MESSAGES)
