"""Administration: users, the holiday calendar (later: merchants, fee schedules, policies, law library)."""
