"""Messages of the key service's error codes, in zh-CN and en."""

from __future__ import annotations

from cityverse.core.i18n import register_messages

MESSAGES: dict[str, dict[str, str]] = {
    "error.realname_required": {
        "zh-CN": "请先完成实名认证，才能拥有数字身份和登记作品",
        "en": "Verify your real name first to get a digital identity and register works",
    },
    "error.identity_exists": {
        "zh-CN": "你已经有一把托管密钥",
        "en": "You already have a custodial key",
    },
    "error.no_identity": {
        "zh-CN": "你还没有数字身份",
        "en": "You have no digital identity yet",
    },
    "error.key_in_use": {
        "zh-CN": "这把公钥已被登记",
        "en": "This public key is already registered",
    },
    "error.bad_public_key": {
        "zh-CN": "公钥不是有效的 Ed25519 公钥（32 字节，base64url）",
        "en": "The public key is not a valid Ed25519 public key (32 bytes, base64url)",
    },
    "error.bad_key_proof": {
        "zh-CN": "持有证明签名无效：请用对应私钥签名给出的文本",
        "en": "The proof of possession does not verify: sign the given text with the private key",
    },
    "error.external_key_required": {
        "zh-CN": "只有登记了自有公钥的用户才能在浏览器中签名交易",
        "en": "Only users who registered their own public key sign transactions in the browser",
    },
    "error.bad_transaction": {
        "zh-CN": "交易无效（{reason}）",
        "en": "The transaction is not valid ({reason})",
    },
    "error.wrong_actor": {
        "zh-CN": "交易的签名者不是你当前的数字身份",
        "en": "The transaction's actor is not your current digital identity",
    },
    "error.transaction_expired": {
        "zh-CN": "交易已过期或时间不对，请重新准备并签名",
        "en": "The transaction is too old or dated in the future; prepare and sign it again",
    },
    "error.transaction_type_not_accepted": {
        "zh-CN": "平台不接受此类交易：{type}",
        "en": "The platform does not accept transactions of type {type}",
    },
}

register_messages(MESSAGES)
