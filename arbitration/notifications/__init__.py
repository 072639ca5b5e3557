"""In-app notifications for every user, and e-mail through SMTP when configured (sent after commit)."""
