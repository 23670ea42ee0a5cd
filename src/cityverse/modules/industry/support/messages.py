"""Messages of the innovation-center error codes, in zh-CN and en."""

from __future__ import annotations

from cityverse.core.i18n import register_messages

MESSAGES: dict[str, dict[str, str]] = {
    "error.support_not_a_member": {
        "zh-CN": "只有企业成员才能为本企业提交服务申请",
        "en": "Only members of an enterprise can file service requests for it",
    },
    "error.support_unknown_service": {
        "zh-CN": "该服务不存在或已下架",
        "en": "This service does not exist or is no longer offered",
    },
    "error.support_illegal_transition": {
        "zh-CN": "申请当前状态为「{current}」，不能执行「{action}」",
        "en": "The request is '{current}'; it cannot be {action}",
    },
    "error.support_not_an_officer": {
        "zh-CN": "只能指派给服务专员或管理员",
        "en": "Requests can only be assigned to officers or administrators",
    },
    "error.support_not_requester": {
        "zh-CN": "只有提交申请的人可以评价",
        "en": "Only the person who filed the request can rate it",
    },
    "error.support_already_rated": {
        "zh-CN": "该申请已评价过",
        "en": "This request has already been rated",
    },
}

register_messages(MESSAGES)
