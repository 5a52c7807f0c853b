"""Accounts: users, roles and the org-unit tree that both domains refer to.

It sits below `portfolio` and `assessments` (both point candidates and assessments at org
units and users) and, like them, never imports Flask.
"""
