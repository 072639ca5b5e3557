"""Evidence: files a party submits to a case or an after-sales request, accepted by content and kept intact."""
