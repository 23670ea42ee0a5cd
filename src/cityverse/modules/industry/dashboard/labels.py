"""Chinese names of the chain's segments, for the report files (the web UI has its own)."""

SEGMENT_ZH = {"hardware": "硬件", "software": "软件", "content": "内容", "application": "应用"}

SUB_SEGMENT_ZH = {
    "chips": "芯片", "near-eye-display": "近眼显示", "optics": "光学", "sensors": "传感器",
    "terminals": "终端设备", "engines": "引擎", "industrial-software": "工业软件",
    "os-middleware": "操作系统与中间件", "tools": "开发工具", "3d-content": "三维内容",
    "digital-human": "数字人", "film-animation": "影视动画", "games": "游戏",
    "commerce": "商贸", "culture-tourism": "文旅", "education-health": "教育医疗",
    "industry": "工业", "smart-city": "智慧城市",
}


def segment_zh(segment: str) -> str:
    return SEGMENT_ZH.get(segment, segment)


def sub_segment_zh(sub_segment: str) -> str:
    return SUB_SEGMENT_ZH.get(sub_segment, sub_segment)
