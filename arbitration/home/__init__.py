"""Each role's home page: what needs the person's attention."""
