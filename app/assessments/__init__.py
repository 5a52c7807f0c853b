"""Maturity assessment pages."""
