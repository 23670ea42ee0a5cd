"""Messages of the expo module's error codes, in zh-CN and en."""

from __future__ import annotations

from cityverse.core.i18n import register_messages

MESSAGES: dict[str, dict[str, str]] = {
    "error.meeting_not_found": {"zh-CN": "没有这个洽谈预约", "en": "There is no such meeting"},
    "error.meeting_slot_taken": {
        "zh-CN": "该时段已被预约，请选择其他时段",
        "en": "This slot is already booked; please choose another one",
    },
    "error.meeting_time_needs_zone": {
        "zh-CN": "预约时间需带时区",
        "en": "The meeting time needs a time zone",
    },
    "error.meeting_slot_unaligned": {
        "zh-CN": "预约须从整 {minutes} 分钟的时段开始",
        "en": "Meetings start on {minutes}-minute slots",
    },
    "error.meeting_outside_hours": {
        "zh-CN": "该时段不在展厅开放时间（{hours}）内",
        "en": "The slot is outside the hall's opening hours ({hours})",
    },
    "error.meeting_in_past": {"zh-CN": "该时段已经过去", "en": "This slot is over"},
    "error.meeting_too_far": {
        "zh-CN": "最多可预约 {days} 天内的时段",
        "en": "Slots can be booked up to {days} days ahead",
    },
    "error.meeting_with_own_enterprise": {
        "zh-CN": "不能向自己所在的企业预约洽谈",
        "en": "You cannot book a meeting with your own enterprise",
    },
    "error.meeting_illegal_transition": {
        "zh-CN": "洽谈当前状态（{current}）不能执行“{target}”",
        "en": "A meeting in state “{current}” cannot be “{target}”",
    },
    "error.meeting_product_not_yours": {
        "zh-CN": "只能展示本企业的商品",
        "en": "Only your own enterprise's products can be shown",
    },
    "error.meeting_colleague_not_member": {
        "zh-CN": "用户 {user_id} 不是本企业成员",
        "en": "User {user_id} is not a member of your enterprise",
    },
    "error.meeting_already_over": {"zh-CN": "洽谈时段已结束", "en": "The meeting's slot is over"},
    "error.meeting_not_started": {"zh-CN": "洽谈尚未开始", "en": "The meeting has not started"},
    "error.meeting_visitor_came": {
        "zh-CN": "访客已进入过洽谈室",
        "en": "The visitor did enter the room",
    },
    "error.meeting_note_not_found": {"zh-CN": "没有这份纪要", "en": "There is no such note"},
    "error.meeting_notes_closed": {
        "zh-CN": "洽谈状态为 {current}，不能编写纪要",
        "en": "Notes cannot be written for a meeting in state {current}",
    },
    "error.booth_not_member": {
        "zh-CN": "您不是任何企业的成员，无法编辑展位",
        "en": "You are not a member of an enterprise, so you cannot edit a booth",
    },
    "error.booth_product_not_yours": {
        "zh-CN": "展位只能展示本企业的商品",
        "en": "A booth shows only its own enterprise's products",
    },
    "error.booth_media_not_allowed": {
        "zh-CN": "不支持的媒体地址：{url}（请上传图片或使用允许的视频网站）",
        "en": "Media address not allowed: {url} (upload a picture or use an allowed video site)",
    },
}

register_messages(MESSAGES)
