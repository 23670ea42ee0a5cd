"""Messages of the world server's HTTP error codes, in zh-CN and en."""

from __future__ import annotations

from cityverse.core.i18n import register_messages

MESSAGES: dict[str, dict[str, str]] = {
    "error.world_ban_not_found": {
        "zh-CN": "用户 {user_id} 没有被禁止进入该空间",
        "en": "User {user_id} is not banned from this space",
    },
}

register_messages(MESSAGES)
