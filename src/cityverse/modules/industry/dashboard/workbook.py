"""The monthly report as an Excel workbook: one sheet per subject, headers frozen."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from cityverse.modules.industry.dashboard.labels import segment_zh, sub_segment_zh
from cityverse.modules.industry.dashboard.reports import ReportData

INTEGER = "#,##0"
DECIMAL = "#,##0.00"
PERCENT = "0.0%"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")

# (header, width, number format or None) per column.
Column = tuple[str, int, str | None]


def _sheet(book: Workbook, title: str, columns: list[Column], rows: list[list[Any]]) -> None:
    sheet = book.create_sheet(title)
    sheet.append([header for header, _, _ in columns])
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append(row)
    for index, (_, width, number_format) in enumerate(columns, 1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = width
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"  # the header stays while scrolling


def _overview(book: Workbook, data: ReportData) -> None:
    submitted, resolved = data.service_month
    rows: list[list[Any]] = [
        ["报告月份", data.month, ""],
        ["生成时间（UTC）", data.generated_at.strftime("%Y-%m-%d %H:%M"), ""],
        ["产业链企业总数", data.enterprises, "家"],
        ["本月受理服务诉求", submitted, "件"],
        ["本月办结服务诉求", resolved, "件"],
    ]
    rows += [[f"{segment_zh(s.segment)} · {sub_segment_zh(s.sub_segment)}", s.enterprises, "家"]
             for s in data.by_segment]
    _sheet(book, "概览", [("项目", 28, None), ("数值", 18, INTEGER), ("单位", 8, None)], rows)


def _targets(book: Workbook, data: ReportData) -> None:
    rows = [[t.name, t.unit, t.target, t.current, t.ratio, t.deadline.isoformat()]
            for t in data.targets]
    _sheet(book, "目标指标", [("指标", 30, None), ("单位", 10, None), ("目标值", 14, DECIMAL),
                          ("当前值", 14, DECIMAL), ("完成率", 12, PERCENT),
                          ("截止日期", 12, None)], rows)


def _declarations(book: Workbook, data: ReportData) -> None:
    rows = [[row.label, row.value, row.unit] for row in data.declarations]
    _sheet(book, "申报汇总", [("项目", 34, None), ("数值", 16, DECIMAL), ("单位", 10, None)], rows)


def _service(book: Workbook, data: ReportData) -> None:
    s = data.service
    rows = [[p.period, p.submitted, p.resolved] for p in s.by_month]
    rows.append(["当前在办", s.open, None])
    rows.append(["当前超期", s.overdue, None])
    _sheet(book, "服务诉求", [("月份", 14, None), ("受理数", 12, INTEGER),
                          ("办结数", 12, INTEGER)], rows)


def _task_forces(book: Workbook, data: ReportData) -> None:
    rows = [[f.name, f.tasks_total, f.tasks_done, f.tasks_late, f.progress]
            for f in data.task_forces]
    _sheet(book, "工作专班", [("专班", 30, None), ("任务数", 10, INTEGER),
                          ("已完成", 10, INTEGER), ("逾期", 10, INTEGER),
                          ("平均进度", 10, PERCENT)], rows)


def render_workbook(data: ReportData) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for add in (_overview, _targets, _declarations, _service, _task_forces):
        add(book, data)
    book.properties.title = f"昆山元宇宙产业月报 {data.month}"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
