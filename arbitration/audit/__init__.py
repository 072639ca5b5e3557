"""Append-only event log with a hash chain per subject."""
