"""The monthly report as a PDF: tables and charts, Chinese text in a built-in CID font.

`STSong-Light` is one of the CJK fonts every PDF reader provides, so the file embeds no font
and the server needs no font files.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from cityverse.modules.industry.dashboard.labels import segment_zh
from cityverse.modules.industry.dashboard.reports import ReportData

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

PALETTE = [colors.HexColor(c) for c in ("#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#17becf",
                                         "#d62728", "#8c564b", "#e377c2")]
TITLE = ParagraphStyle("title", fontName=FONT, fontSize=18, leading=24, spaceAfter=6)
HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=13, leading=18, spaceBefore=10,
                         spaceAfter=4)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14)
TABLE_STYLE = TableStyle([
    ("FONTNAME", (0, 0), (-1, -1), FONT),
    ("FONTSIZE", (0, 0), (-1, -1), 9),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1F4E79")),
    ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9fb3c8")),
    ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
])


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _table(header: list[str], rows: list[list[Any]], empty: str) -> list[Any]:
    if not rows:
        return [Paragraph(empty, BODY)]
    table = Table([header, *rows], hAlign="LEFT", repeatRows=1)
    table.setStyle(TABLE_STYLE)
    return [table]


def _caption(drawing: Drawing, text: str) -> None:
    drawing.add(String(0, drawing.height - 10, text, fontName=FONT, fontSize=10))


def segment_pie(data: ReportData) -> Drawing:
    totals: dict[str, int] = {}
    for item in data.by_segment:
        totals[item.segment] = totals.get(item.segment, 0) + item.enterprises
    drawing = Drawing(170 * mm, 62 * mm)
    _caption(drawing, "产业链环节分布（家）")
    pie = Pie()
    pie.x, pie.y, pie.width, pie.height = 20 * mm, 4 * mm, 48 * mm, 48 * mm
    pie.data = list(totals.values()) or [1]
    pie.labels = [f"{segment_zh(k)} {v}" for k, v in totals.items()] or ["无数据"]
    pie.simpleLabels = True
    pie.slices.fontName = FONT
    for index in range(len(pie.data)):
        pie.slices[index].fillColor = PALETTE[index % len(PALETTE)]
    drawing.add(pie)
    return drawing


def target_bars(data: ReportData) -> Drawing:
    drawing = Drawing(170 * mm, 70 * mm)
    _caption(drawing, "目标完成率（%）")
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 14 * mm, 16 * mm, 150 * mm, 44 * mm
    chart.data = [[round(t.ratio * 100, 1) for t in data.targets]]
    chart.categoryAxis.categoryNames = [t.name[:8] for t in data.targets]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = PALETTE[0]
    drawing.add(chart)
    return drawing


def throughput_lines(data: ReportData) -> Drawing:
    drawing = Drawing(170 * mm, 70 * mm)
    _caption(drawing, "服务诉求受理（蓝）与办结（绿），件/月")
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 14 * mm, 16 * mm, 150 * mm, 44 * mm
    points = data.service.by_month
    chart.data = [[p.submitted for p in points], [p.resolved for p in points]]
    chart.categoryAxis.categoryNames = [p.period for p in points]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.lines[0].strokeColor, chart.lines[1].strokeColor = PALETTE[0], PALETTE[1]
    drawing.add(chart)
    return drawing


def _story(data: ReportData) -> list[Any]:
    submitted, resolved = data.service_month
    s = data.service
    story: list[Any] = [
        Paragraph(f"昆山元宇宙产业月报（{data.month}）", TITLE),
        Paragraph(f"生成时间：{data.generated_at:%Y-%m-%d %H:%M} UTC", BODY),
        Paragraph(f"产业链企业总数：{data.enterprises} 家；本月受理服务诉求 {submitted} 件，"
                  f"办结 {resolved} 件；当前在办 {s.open} 件，其中超期 {s.overdue} 件。", BODY),
        Paragraph("一、目标指标", HEADING),
        *_table(["指标", "单位", "目标值", "当前值", "完成率"],
                [[t.name, t.unit, _number(t.target), _number(t.current), f"{t.ratio:.1%}"]
                 for t in data.targets], "暂无目标数据。"),
    ]
    if data.targets:
        story += [Spacer(1, 4 * mm), target_bars(data)]
    story += [
        Paragraph("二、企业申报汇总", HEADING),
        *_table(["项目", "数值", "单位"],
                [[r.label, _number(r.value), r.unit] for r in data.declarations],
                "本月暂无已确认的企业申报。"),
        Paragraph("三、产业链分布", HEADING),
        segment_pie(data),
        Paragraph("四、服务诉求", HEADING),
        *_table(["月份", "受理数", "办结数"],
                [[p.period, p.submitted, p.resolved] for p in s.by_month], "暂无服务诉求。"),
    ]
    if s.by_month:
        story += [Spacer(1, 4 * mm), throughput_lines(data)]
    story += [
        Paragraph("五、工作专班进度", HEADING),
        *_table(["专班", "任务数", "已完成", "逾期", "平均进度"],
                [[f.name, f.tasks_total, f.tasks_done, f.tasks_late, f"{f.progress:.0%}"]
                 for f in data.task_forces], "暂无工作专班。"),
        Spacer(1, 6 * mm),
    ]
    return story


def render_pdf(data: ReportData) -> bytes:
    out = BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=A4, title=f"昆山元宇宙产业月报 {data.month}", author="Cityverse",
        leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm,
    )
    document.build(_story(data))
    return out.getvalue()
