"""Orders, cancellation and after-sales: the platform rules that cases come from (DESIGN §2)."""
