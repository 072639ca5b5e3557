"""Dispute cases (DESIGN §3): lifecycle, negotiation, deadlines with published default outcomes."""
