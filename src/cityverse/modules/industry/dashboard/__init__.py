"""The industry dashboard (数据大屏) and the monthly industry report."""
