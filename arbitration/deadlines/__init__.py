"""Deadline engine: stored deadlines, registered consequences, an exactly-once sweep."""
