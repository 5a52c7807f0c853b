"""Portfolio decision funnel pages."""
