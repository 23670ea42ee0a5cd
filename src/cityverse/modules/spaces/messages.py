"""Messages of the spaces module's error codes, in zh-CN and en."""

from __future__ import annotations

from cityverse.core.i18n import register_messages

MESSAGES: dict[str, dict[str, str]] = {
    "error.space_not_found": {
        "zh-CN": "没有名为 {space} 的空间",
        "en": "There is no space {space}",
    },
    "error.space_has_no_scene": {
        "zh-CN": "空间 {space} 没有场景文档",
        "en": "Space {space} has no scene document",
    },
    "error.space_model_not_found": {
        "zh-CN": "空间 {space} 中没有模型 {model}",
        "en": "Space {space} has no model {model}",
    },
    "error.space_host_not_found": {
        "zh-CN": "用户 {user_id} 不存在，不能设为主持人",
        "en": "User {user_id} does not exist and cannot host",
    },
    "error.space_booth_not_found": {
        "zh-CN": "空间 {space} 中没有展位 {booth}",
        "en": "Space {space} has no booth {booth}",
    },
    "error.booth_enterprise_missing": {
        "zh-CN": "展位 {booth} 的企业尚未登记",
        "en": "The enterprise of booth {booth} is not registered",
    },
    "error.chat_scope_invalid": {
        "zh-CN": "聊天范围只能是 nearby 或 hall",
        "en": "The chat scope is nearby or hall",
    },
}

register_messages(MESSAGES)
