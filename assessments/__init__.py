"""PMMM maturity assessments: questionnaire models, scoring, gaps and roadmaps.

Pure scoring, SQLAlchemy models and services; never imports Flask.
"""
