"""Messages of the works' error codes, in zh-CN and en."""

from __future__ import annotations

from cityverse.core.i18n import register_messages

MESSAGES: dict[str, dict[str, str]] = {
    "error.work_not_found": {"zh-CN": "找不到这件作品", "en": "No such work"},
    "error.work_too_large": {
        "zh-CN": "文件太大：作品文件最大 {limit} 字节",
        "en": "The file is too large: works are at most {limit} bytes",
    },
    "error.unsupported_work_type": {
        "zh-CN": "不支持的文件类型：请上传 PNG/JPEG/WebP 图片、GLB 模型、MP3/WAV/OGG 音频、"
                 "MP4/WebM 视频或 PDF",
        "en": "Unsupported file type: upload a PNG/JPEG/WebP image, a GLB model, MP3/WAV/OGG "
              "audio, MP4/WebM video or a PDF",
    },
    "error.unreadable_image": {
        "zh-CN": "图片无法解码或尺寸过大",
        "en": "The image cannot be decoded or is too large",
    },
    "error.work_already_registered": {
        "zh-CN": "内容完全相同的作品已经登记过",
        "en": "A work with exactly this content is already registered",
    },
    "error.download_not_allowed": {
        "zh-CN": "只有作品的创作者（或持有者）可以下载原件",
        "en": "Only the work's creator (or holder) may download the original",
    },
    "error.original_unavailable": {
        "zh-CN": "原件暂时无法读取，请联系平台",
        "en": "The original cannot be read at the moment; please contact the platform",
    },
    "error.certificate_not_ready": {
        "zh-CN": "登记正在写入下一个检查点，请稍后几秒再试",
        "en": "The registration is waiting for the next checkpoint; try again in a few seconds",
    },
    "error.work_not_registered": {
        "zh-CN": "作品尚未登记（等待签名）",
        "en": "The work is not registered yet (awaiting a signature)",
    },
}

register_messages(MESSAGES)
