"""Dashboards and exported reports."""
