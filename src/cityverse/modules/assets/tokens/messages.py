"""Messages of the token module's error codes, in zh-CN and en."""

from __future__ import annotations

from cityverse.core.i18n import register_messages

MESSAGES: dict[str, dict[str, str]] = {
    "error.asset_realname_required": {
        "zh-CN": "请先完成实名认证：只有实名用户可以发行、持有和转赠数字藏品",
        "en": "Verify your real name first: only real-name users issue, hold and give collectibles",
    },
    "error.asset_document_size": {
        "zh-CN": "文件 {filename} 为空或超过 {limit} KB",
        "en": "File {filename} is empty or larger than {limit} KB",
    },
    "error.asset_document_type": {
        "zh-CN": "文件 {filename} 不是 PDF、PNG 或 JPEG",
        "en": "File {filename} is not a PDF, PNG or JPEG",
    },
    "error.asset_work_not_found": {
        "zh-CN": "没有找到您登记的作品 {work_id}",
        "en": "No registered work {work_id} of yours was found",
    },
    "error.asset_collection_not_pending": {
        "zh-CN": "该系列已经审核过了（{status}）",
        "en": "This collection has already been reviewed ({state})",
    },
    "error.asset_self_review": {
        "zh-CN": "不能审核自己提交的系列",
        "en": "Nobody may review their own collection",
    },
    "error.asset_holding_period": {
        "zh-CN": "持有期未满，{date} 起可以转赠",
        "en": "The holding period has not ended; it can be given from {date}",
    },
    "error.asset_token_frozen": {
        "zh-CN": "该藏品已被监管冻结",
        "en": "This collectible is frozen by the regulator",
    },
    "error.asset_token_not_frozen": {
        "zh-CN": "该藏品没有被冻结",
        "en": "This collectible is not frozen",
    },
    "error.asset_token_burned": {
        "zh-CN": "该藏品已销毁",
        "en": "This collectible has been burned",
    },
    "error.asset_not_owner": {
        "zh-CN": "只有当前持有人可以这样做",
        "en": "Only the current holder may do this",
    },
    "error.asset_recipient_not_found": {
        "zh-CN": "没有用户名为 {username} 的用户",
        "en": "There is no user {username}",
    },
    "error.asset_recipient_not_realname": {
        "zh-CN": "{username} 尚未完成实名认证，不能接收藏品",
        "en": "{username} has not verified a real name and cannot receive collectibles",
    },
    "error.asset_gift_to_self": {
        "zh-CN": "不能转赠给自己",
        "en": "You cannot give a collectible to yourself",
    },
    "error.asset_token_changed": {
        "zh-CN": "该藏品刚刚发生了变化，请刷新后重试",
        "en": "This collectible just changed; reload and try again",
    },
    "error.asset_sign_in_browser": {
        "zh-CN": "您使用自己的密钥，请在浏览器中签名此交易",
        "en": "You hold your own key: sign this transaction in your browser",
    },
    "error.ledger_unavailable": {
        "zh-CN": "账本暂时不可用，请稍后重试",
        "en": "The ledger is unavailable; try again shortly",
    },
}

register_messages(MESSAGES)
