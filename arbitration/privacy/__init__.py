"""Personal information protection: masking for display and export (pure), retention periods (pure)."""
