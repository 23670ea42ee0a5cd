"""Messages of the telemetry error codes, in zh-CN and en."""

from __future__ import annotations

from cityverse.core.i18n import register_messages

MESSAGES: dict[str, dict[str, str]] = {
    "error.twin_device_not_found": {
        "zh-CN": "没有编号为 {device_id} 的设备",
        "en": "There is no device {device_id}",
    },
    "error.twin_device_exists": {
        "zh-CN": "设备编号 {device_id} 已被使用",
        "en": "The device id {device_id} is taken",
    },
    "error.twin_device_key_refused": {
        "zh-CN": "设备编号或密钥不正确，或设备已停用",
        "en": "The device id or key is wrong, or the device is disabled",
    },
    "error.twin_readings_refused": {
        "zh-CN": "部分读数无效，未写入任何读数",
        "en": "Some readings are invalid; none was written",
    },
    "field.twin_unknown_device": {
        "zh-CN": "未知或已停用的设备", "en": "Unknown or disabled device",
    },
    "field.twin_foreign_device": {
        "zh-CN": "设备只能提交自己的读数", "en": "A device may only post its own readings",
    },
    "field.twin_bad_reading": {"zh-CN": "读数无效：{detail}", "en": "Invalid reading: {detail}"},
    "field.twin_no_entity": {
        "zh-CN": "设备对应的实体不存在", "en": "The device's entity does not exist",
    },
}

register_messages(MESSAGES)
