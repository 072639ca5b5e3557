"""Business calendar: Chinese public holidays and make-up working days (调休)."""
