"""Messages of the task-force error codes, in zh-CN and en."""

from __future__ import annotations

from cityverse.core.i18n import register_messages

MESSAGES: dict[str, dict[str, str]] = {
    "error.taskforce_not_a_member": {
        "zh-CN": "只有本专班成员或主管部门可以更新本专班的任务",
        "en": "Only this task force's members or officers can update its tasks",
    },
    "error.taskforce_not_lead": {
        "zh-CN": "只有专班负责人或主管部门可以新增任务",
        "en": "Only the task force's lead or officers can add tasks",
    },
    "error.taskforce_owner_not_member": {
        "zh-CN": "任务负责人须为本专班成员",
        "en": "A task's owner must be a member of its task force",
    },
    "error.taskforce_unknown_user": {"zh-CN": "用户不存在", "en": "No such user"},
    "error.taskforce_link_needs_url": {
        "zh-CN": "链接类佐证须填写网址", "en": "A link needs its URL",
    },
    "error.taskforce_note_empty": {
        "zh-CN": "说明不能为空", "en": "The note cannot be empty",
    },
}

register_messages(MESSAGES)
