"""Merchants: official direct stores and third-party agents."""
