"""Accounts, roles, login and the permission predicates."""
