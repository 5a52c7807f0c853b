"""Portfolio decision funnel: candidates, gates, decisions and the stage history.

Pure scoring and metrics, SQLAlchemy models and services; never imports Flask.
"""
