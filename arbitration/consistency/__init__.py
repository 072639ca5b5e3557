"""Consistency figures for supervisors: how each arbitrator decides each kind of dispute, against the peers."""
