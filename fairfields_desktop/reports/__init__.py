"""PDF reports with ReportLab: they lay out finished figures from the services and compute nothing."""
