"""The public decision library: final decisions published with personal data removed, searchable by anyone."""
