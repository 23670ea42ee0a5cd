"""Messages of the registry's error codes, in zh-CN and en."""

from __future__ import annotations

from cityverse.core.i18n import register_messages

MESSAGES: dict[str, dict[str, str]] = {
    "error.industry_label_held": {
        "zh-CN": "该企业已持有这一称号",
        "en": "The enterprise already holds this label",
    },
    "error.industry_label_revoked": {
        "zh-CN": "该称号已被撤销",
        "en": "This label has already been revoked",
    },
    "field.industry_before_granted": {
        "zh-CN": "撤销日期不能早于授予日期",
        "en": "The revocation date cannot be before the date granted",
    },
    "error.industry_not_a_member": {
        "zh-CN": "您尚未关联任何企业，请联系管理员",
        "en": "You are not a member of any enterprise; ask an administrator",
    },
    "error.industry_declaration_exists": {
        "zh-CN": "本企业 {year} 年度的申报已存在",
        "en": "Your enterprise already has a declaration for {year}",
    },
    "error.industry_declaration_locked": {
        "zh-CN": "该申报已提交或已确认，不能修改或再次提交",
        "en": "This declaration has been submitted or confirmed and can no longer be changed",
    },
    "error.industry_declaration_not_submitted": {
        "zh-CN": "只能审核待审核的申报，这份申报尚未提交或已审核过",
        "en": "Only submitted declarations can be reviewed; this one is not waiting for review",
    },
    "error.industry_bad_position": {
        "zh-CN": "产业链位置不在目录中",
        "en": "That is not a position of the industry chain",
    },
    "error.industry_metric_unknown": {
        "zh-CN": "不支持的指标",
        "en": "Unknown metric",
    },
    "field.industry_after_deadline": {
        "zh-CN": "起始日期不能晚于截止日期",
        "en": "The start date cannot be after the deadline",
    },
    "error.industry_owner_required": {
        "zh-CN": "请选择项目所属企业",
        "en": "Choose the enterprise that owns the project",
    },
    "error.industry_not_owner": {
        "zh-CN": "只有项目所属企业或主管部门可以修改该项目",
        "en": "Only the owner enterprise or an officer can change this project",
    },
}

register_messages(MESSAGES)
