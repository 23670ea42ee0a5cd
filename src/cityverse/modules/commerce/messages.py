"""Messages of the shop's error codes, in zh-CN and en."""

from __future__ import annotations

from cityverse.core.i18n import register_messages

MESSAGES: dict[str, dict[str, str]] = {
    "error.not_enterprise_member": {
        "zh-CN": "您不是任何企业的成员，无法管理商品和订单",
        "en": "You are not a member of an enterprise, so you cannot manage products or orders",
    },
    "error.out_of_stock": {
        "zh-CN": "“{product}”库存不足",
        "en": "Not enough stock of “{product}”",
    },
    "error.quantity_limit": {
        "zh-CN": "每件商品最多购买 {limit} 件",
        "en": "At most {limit} of one product per order",
    },
    "error.cart_full": {
        "zh-CN": "购物车最多放 {limit} 种商品",
        "en": "The cart holds at most {limit} different products",
    },
    "error.cart_empty": {"zh-CN": "购物车是空的", "en": "The cart is empty"},
    "error.checkout_in_progress": {
        "zh-CN": "同一笔下单请求正在处理，请稍后刷新订单列表",
        "en": "This checkout is already being processed; refresh your orders in a moment",
    },
    "error.illegal_transition": {
        "zh-CN": "订单当前状态（{current}）不能变为“{target}”",
        "en": "An order in state “{current}” cannot become “{target}”",
    },
    "error.image_too_large": {
        "zh-CN": "图片过大（上限 {limit} 字节）",
        "en": "The image is too large (limit {limit} bytes)",
    },
    "error.image_type": {
        "zh-CN": "只接受 PNG、JPEG 或 WebP 图片",
        "en": "Only PNG, JPEG or WebP images are accepted",
    },
    "error.too_many_images": {
        "zh-CN": "每件商品最多 {limit} 张图片",
        "en": "A product has at most {limit} images",
    },
    "error.unknown_image": {
        "zh-CN": "图片列表中有不属于该商品的图片",
        "en": "The list names an image this product does not have",
    },
}

register_messages(MESSAGES)
